"""Threads insights for analytics: per post and per account.

`GET /{media-id}/insights?metric=views,likes,replies,reposts,quotes` answers a list of
`{"name", "period", "values": [{"value": n}]}` (account metrics carry
`"total_value": {"value": n}` instead). Threads' `views` are what analytics calls
impressions. A metric Threads leaves out (too new, a repost of someone else's post) is
absent, never zero.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from platforms.base import AccountMetrics, MetricValue, PostMetrics
from platforms.http import pick

if TYPE_CHECKING:
    from accounts.models import ConnectedAccount

Call = Callable[..., Any]
# Threads' metric → analytics' name.
POST_METRICS = {"views": "impressions", "likes": "likes", "replies": "replies",
                "reposts": "reposts", "quotes": "quotes"}
ACCOUNT_METRICS = {"followers_count": "followers"}


def post_metrics(call: Call, account: ConnectedAccount,
                 remote_ids: list[str]) -> list[PostMetrics]:
    result = []
    for remote_id in remote_ids:
        data = call(account, "GET", f"{remote_id}/insights",
                    params={"metric": ",".join(POST_METRICS)})
        result.append(PostMetrics(remote_id=remote_id, fetched_at=timezone.now(),
                                  values=metric_values(data, POST_METRICS)))
    return result


def account_metrics(call: Call, account: ConnectedAccount) -> AccountMetrics:
    data = call(account, "GET", f"{account.external_id}/threads_insights",
                params={"metric": ",".join(ACCOUNT_METRICS)})
    return AccountMetrics(fetched_at=timezone.now(),
                          values=metric_values(data, ACCOUNT_METRICS))


def metric_values(data: Any, names: dict[str, str]) -> dict[str, MetricValue]:
    values = {}
    for row in pick(data, "data", list, what="Threads insights"):
        name = row.get("name") if isinstance(row, dict) else None
        if name not in names:
            continue
        value = _value(row)
        if value is not None:
            values[names[name]] = MetricValue(value, f"insights.{name}")
    return values


def _value(row: dict) -> int | None:
    total = pick(row, "total_value.value", int, what="Threads insight", default=None)
    if total is not None:
        return total
    points = row.get("values")
    if isinstance(points, list) and points and isinstance(points[-1], dict):
        value = points[-1].get("value")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None
