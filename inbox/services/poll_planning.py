"""When the next poll of a cursor is due: every interval, on the cursor's own phase.

Each cursor polls on a grid of its own — `phase + k × interval` — so polls are exactly one
interval apart however long a poll or the beat takes, and the accounts of an installation
are spread across the interval instead of all polling in the beat's second. The phase is
derived from the account and the source (stable across restarts, different per cursor).

The beat that queues polls runs every `tick` seconds and looks one tick ahead: a cursor due
before the next beat is queued now with a countdown to its slot, so it is polled on time
rather than up to a tick late (the old plan — "now + interval" after the poll, found by the
next beat — turned 60 s into 120 s).

After a Retry-After or a backoff the planned time is off the grid; the poll after it
returns to the grid, at least half an interval later. So does a cursor that fell behind
(a worker outage) or has never been polled.
"""

from __future__ import annotations

import datetime as dt
import math
import zlib

from django.conf import settings

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
TICK_MARGIN = 2.0  # seconds: beat fires a little late or early


def phase_seconds(account_id: int, source: str, interval: float) -> float:
    """The cursor's offset within the interval, spread evenly over the cursors."""
    if interval <= 0:
        return 0.0
    spread = zlib.crc32(f"{account_id}:{source}".encode()) / 0xFFFFFFFF
    return round(spread * interval, 3)


def grid_point_after(moment: dt.datetime, *, interval: float, phase: float) -> dt.datetime:
    """The first slot of the grid `phase + k × interval` strictly after `moment`."""
    elapsed = (moment - EPOCH).total_seconds() - phase
    k = math.floor(elapsed / interval) + 1
    return EPOCH + dt.timedelta(seconds=phase + k * interval)


def next_slot(*, planned: dt.datetime | None, now: dt.datetime, interval: dt.timedelta,
              phase: float) -> dt.datetime:
    """The slot after a poll that was planned for `planned` and has just ended at `now`.

    On time (the next slot is still ahead): exactly one interval after the planned slot.
    Never polled, fallen behind, or coming back from a wait: the first slot of the grid at
    least half an interval from now.
    """
    seconds = interval.total_seconds()
    if seconds <= 0:
        return now
    anchor = planned if planned is not None and planned + interval > now else now
    return grid_point_after(anchor + interval / 2, interval=seconds, phase=phase)


def beat_tick(name: str, default: float = 60.0) -> float:
    """How often the beat entry `name` runs (seconds), from CELERY_BEAT_SCHEDULE."""
    entry = getattr(settings, "CELERY_BEAT_SCHEDULE", {}).get(name) or {}
    schedule = entry.get("schedule", default)
    return float(schedule) if isinstance(schedule, int | float) else default


def countdown(slot: dt.datetime | None, now: dt.datetime) -> float | None:
    """Seconds until `slot` for a queued poll (None: at once)."""
    if slot is None or slot <= now:
        return None
    return round((slot - now).total_seconds(), 3)
