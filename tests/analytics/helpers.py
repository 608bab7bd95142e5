"""Published posts and their measurements, made the way the pipeline and collector leave them."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from analytics.models import TargetMetrics
from analytics.services.ingest import post_metrics_ingest
from analytics.services.schedule import first_bucket
from content.models import Label, Post, PostTarget
from platforms.base import MetricValue, PostMetrics

_ids = itertools.count(1)


def published(account, at: dt.datetime, *, text: str = "A post", labels=(), remote_id="",
              track: bool = True):
    """A post published to `account` at `at` (UTC), tracked by analytics."""
    org = account.organization
    post = Post.objects.create(organization=org, text=text, status="scheduled", scheduled_at=at)
    for name in labels:
        post.labels.add(Label.objects.get_or_create(organization=org, name=name)[0])
    remote_id = remote_id or f"r{next(_ids)}"
    target = PostTarget.objects.create(post=post, account=account, status="published",
                                       remote_id=remote_id, published_at=at,
                                       remote_url=f"https://sandbox.example/@x/{remote_id}")
    if not track:
        return target
    bucket, due = first_bucket(at, timezone.now())
    TargetMetrics.objects.create(organization=org, account=account, target=target, post=post,
                                 provider=account.provider, published_at=at, next_bucket=bucket,
                                 next_due_at=due)
    return target


def measure(target, *, at: dt.datetime | None = None, **values: int) -> None:
    """Record what a platform reported for `target` (only the metrics given)."""
    at = at or timezone.now()
    row = TargetMetrics.objects.select_related("target").get(target=target)
    result = PostMetrics(remote_id=target.remote_id, fetched_at=at,
                         values={k: MetricValue(v, f"{k}_count") for k, v in values.items()})
    post_metrics_ingest(rows=[row], results=[result], now=at)
