"""Follower counts over time, per account, from the daily account snapshots."""

from __future__ import annotations

import datetime as dt

from analytics.models import AccountMetricSnapshot
from analytics.selectors.scope import Scope


def follower_series(scope: Scope) -> dict:
    """Last followers value per account and local day, over this and the previous period.

    Returns {"dates": [...], "series": {account_id: [value or None per date]},
    "growth": int|None, "previous_growth": int|None, "latest": int|None, "sources": {...}}.
    Days without a snapshot are None (a gap in the line, not a drop to zero).
    """
    previous = scope.period.previous()
    rows = (AccountMetricSnapshot.objects.for_org(scope.organization)
            .filter(account_id__in=scope.account_ids, metric="followers",
                    fetched_at__gte=previous.start, fetched_at__lt=scope.period.end)
            .order_by("fetched_at")
            .values_list("account_id", "fetched_at", "value", "source_field"))
    daily: dict[int, dict[dt.date, int]] = {}
    sources: dict[int, tuple[str, dt.datetime]] = {}
    for account_id, fetched_at, value, field in rows:
        daily.setdefault(account_id, {})[fetched_at.astimezone(scope.tz).date()] = value
        sources[account_id] = (field, fetched_at)
    dates = scope.period.dates()
    series = {aid: [days.get(d) for d in dates] for aid, days in daily.items()}
    return {
        "dates": dates,
        "series": series,
        "growth": _growth(daily, scope.period),
        "previous_growth": _growth(daily, previous),
        "latest": _latest_total(daily, scope.period),
        "sources": sources,
    }


def _values_in(days: dict[dt.date, int], period) -> list[int]:
    return [v for d, v in sorted(days.items()) if period.first <= d <= period.last]


def _growth(daily: dict[int, dict[dt.date, int]], period) -> int | None:
    """Sum over accounts of the change in the period: the last day's closing count minus the
    closing count of the day before the period (or the first count in it, for an account
    measured only since). None when no account has two counts to compare."""
    total, seen = 0, False
    for days in daily.values():
        values = _values_in(days, period)
        before = [v for d, v in sorted(days.items()) if d < period.first]
        baseline = before[-1] if before else (values[0] if len(values) >= 2 else None)
        if values and baseline is not None:
            total += values[-1] - baseline
            seen = True
    return total if seen else None


def _latest_total(daily, period) -> int | None:
    latest = [vals[-1] for days in daily.values() if (vals := _values_in(days, period))]
    return sum(latest) if latest else None


def collected_since(scope: Scope) -> dt.datetime | None:
    """The first account measurement of these accounts: how far back the figures go."""
    from django.db.models import Min

    return (AccountMetricSnapshot.objects.for_org(scope.organization)
            .filter(account_id__in=scope.account_ids)
            .aggregate(first=Min("fetched_at"))["first"])
