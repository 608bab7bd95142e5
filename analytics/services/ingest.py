"""Store what a platform returned: snapshots appended in bulk, the rollup kept current."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import ConnectedAccount
from analytics.models import (
    POST_METRIC_NAMES,
    AccountMetricSnapshot,
    PostMetricSnapshot,
    TargetMetrics,
)
from analytics.services.schedule import next_bucket
from platforms.base import AccountMetrics, PostMetrics

# What counts as an engagement (shown with the engagement rate on the dashboard).
ENGAGEMENT_METRICS = ("likes", "reposts", "replies", "quotes", "saves", "bookmarks", "clicks")


def engagements_of(values: dict[str, int | None]) -> int | None:
    """Sum of the measured engagement metrics; None when the platform measured none."""
    measured = [values[m] for m in ENGAGEMENT_METRICS if values.get(m) is not None]
    return sum(measured) if measured else None


def account_metrics_ingest(*, account: ConnectedAccount, metrics: AccountMetrics) -> int:
    """Append one snapshot row per reported metric; returns how many were stored."""
    fetched = metrics.fetched_at
    rows = [
        AccountMetricSnapshot(organization_id=account.organization_id, account=account,
                              metric=name[:32], value=mv.value,
                              source_field=mv.source_field[:100], fetched_at=fetched,
                              day=fetched.astimezone(dt.UTC).date())
        for name, mv in metrics.values.items()
    ]
    AccountMetricSnapshot.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def post_metrics_ingest(*, rows: list[TargetMetrics], results: list[PostMetrics],
                        now: dt.datetime) -> int:
    """Snapshot each result under its row's due bucket and move every row to its next bucket.

    Rows whose post is missing from `results` (deleted on the platform) move on without a
    snapshot. Values absent from a result stay NULL in its snapshot; the rollup keeps the
    last measured value of each metric with its own field and fetch time.
    """
    by_remote = {r.remote_id: r for r in results}
    snapshots = []
    for row in rows:
        result = by_remote.get(row.target.remote_id)
        if result is not None:
            snapshots.append(_snapshot(row, result))
            _apply_to_rollup(row, result)
        row.next_bucket, row.next_due_at = next_bucket(row.published_at, now)
    PostMetricSnapshot.objects.bulk_create(snapshots)
    TargetMetrics.objects.bulk_update(
        rows, ["next_bucket", "next_due_at", "fetched_at", "snapshots", "engagements",
               "sources", *POST_METRIC_NAMES])
    return len(snapshots)


def _snapshot(row: TargetMetrics, result: PostMetrics) -> PostMetricSnapshot:
    values = {name: mv.value for name, mv in result.values.items() if name in POST_METRIC_NAMES}
    return PostMetricSnapshot(
        organization_id=row.organization_id, account_id=row.account_id,
        target_id=row.target_id, age_bucket=row.next_bucket or 0,
        fetched_at=result.fetched_at,
        sources={n: mv.source_field for n, mv in result.values.items()
                 if n in POST_METRIC_NAMES},
        **values)


def _apply_to_rollup(row: TargetMetrics, result: PostMetrics) -> None:
    sources = dict(row.sources or {})
    stamp = result.fetched_at.isoformat()
    for name, mv in result.values.items():
        if name in POST_METRIC_NAMES:
            setattr(row, name, mv.value)
            sources[name] = {"field": mv.source_field, "fetched_at": stamp}
    row.sources = sources
    row.fetched_at = result.fetched_at
    row.snapshots += 1
    row.engagements = engagements_of({m: getattr(row, m) for m in POST_METRIC_NAMES})
