"""When a post's metrics are captured: at growing ages after publishing."""

from __future__ import annotations

import datetime as dt

from analytics.models.rollup import BUCKETS_HOURS

TRACK_DAYS = 31  # targets published longer ago than this are not measured any more


def first_bucket(published_at: dt.datetime, now: dt.datetime) -> tuple[int, dt.datetime]:
    """The bucket to capture first for a target we start tracking now.

    A target found late (the collector was down, the account just came back) is captured
    at once under the latest bucket it already passed, rather than waiting for the next.
    """
    age_h = (now - published_at).total_seconds() / 3600
    passed = [b for b in BUCKETS_HOURS if b <= age_h]
    if passed:
        return passed[-1], now
    return BUCKETS_HOURS[0], published_at + dt.timedelta(hours=BUCKETS_HOURS[0])


def next_bucket(published_at: dt.datetime,
                now: dt.datetime) -> tuple[int | None, dt.datetime | None]:
    """The first bucket still ahead of `now`, and when it is due; (None, None) when done."""
    for bucket in BUCKETS_HOURS:
        due = published_at + dt.timedelta(hours=bucket)
        if due > now:
            return bucket, due
    return None, None
