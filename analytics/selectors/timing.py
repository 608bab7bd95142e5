"""Best time to post: engagement per post by weekday and hour of publishing, local time."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.cache import cache
from django.db.models import Avg, Count
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils import timezone

from analytics.models import TargetMetrics
from analytics.selectors.scope import Scope

HISTORY_DAYS = 365


def heatmap(scope: Scope, *, now: dt.datetime | None = None) -> dict:
    """Average engagements per post for each (ISO weekday 1–7, hour 0–23) in the org's zone.

    Uses the organisation's own history (the last year, the selected accounts), not only the
    selected period, so the map has enough posts to mean something. The database converts
    each publish time to local time, so DST weeks land on the right hour.
    """
    now = now or timezone.now()
    rows = (TargetMetrics.objects.for_org(scope.organization)
            .filter(account_id__in=scope.account_ids, engagements__isnull=False,
                    published_at__gte=now - dt.timedelta(days=HISTORY_DAYS))
            .annotate(weekday=ExtractIsoWeekDay("published_at", tzinfo=scope.tz),
                      hour=ExtractHour("published_at", tzinfo=scope.tz))
            .values("weekday", "hour")
            .annotate(avg=Avg("engagements"), posts=Count("*"))
            .order_by())
    cells = {(r["weekday"], r["hour"]): (round(r["avg"], 1), r["posts"]) for r in rows}
    best = max(cells.values(), key=lambda c: c[0])[0] if cells else 0
    grid = []
    for weekday in range(1, 8):
        grid.append([_cell(cells.get((weekday, hour)), best, weekday, hour)
                     for hour in range(24)])
    return {"grid": grid, "posts": sum(c[1] for c in cells.values()), "best": _best(cells)}


def _cell(value, best, weekday, hour) -> dict:
    if value is None:
        return {"weekday": weekday, "hour": hour, "avg": None, "posts": 0, "level": 0}
    level = 1 + int(4 * value[0] / best) if best else 1
    return {"weekday": weekday, "hour": hour, "avg": value[0], "posts": value[1],
            "level": min(level, 5)}


def _best(cells) -> list[tuple[int, int]]:
    """The three strongest slots with at least two posts behind them."""
    ranked = sorted(((v[0], k) for k, v in cells.items() if v[1] >= 2), reverse=True)
    return [k for _v, k in ranked[:3]]


CACHE_SECONDS = 3600


def cached_heatmap(scope: Scope) -> dict:
    """The heatmap, cached for an hour: a year of history barely moves within one, and it is
    the dashboard's most expensive query (every post of the year, whatever the period)."""
    accounts = ",".join(str(pk) for pk in sorted(scope.account_ids))
    digest = hashlib.sha256(accounts.encode()).hexdigest()[:16]
    org = scope.organization
    key = (f"analytics:heatmap:{org.pk}:{org.created_at.timestamp()}:{scope.tz.key}:{digest}:"
           f"{timezone.now():%Y%m%d%H}")
    result = cache.get(key)
    if result is None:
        result = heatmap(scope)
        cache.set(key, result, CACHE_SECONDS)
    return result
