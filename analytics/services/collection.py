"""Collecting metrics from the platforms on a schedule, within their rate limits.

`metrics_enqueue_due` (beat, every few minutes) starts tracking newly published targets and
queues one `analytics.collect_account` task per account with work due. That task calls
`metrics_collect_account`, which leases the account (two runs never capture twice), takes
the daily account metrics when due and then the due post metrics in batches.

RateLimited pauses the account until the platform's retry-after; AuthExpired marks the
account through the accounts service and stops (nothing is collected until it is
reconnected); Transient pushes the work out; NotSupported records "not available".
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import ConnectedAccount
from accounts.services.connected_accounts import (
    account_mark_needs_reconnect,
    account_record_sync,
)
from analytics.models import MetricsSchedule, TargetMetrics
from analytics.services.ingest import account_metrics_ingest, post_metrics_ingest
from analytics.services.schedule import TRACK_DAYS, first_bucket
from content.workflows import TargetState
from lib.taskqueue import enqueue
from platforms.errors import (
    AuthExpired,
    NotSupported,
    ProviderError,
    RateLimited,
    Transient,
)
from platforms.registry import UnknownProvider, get_provider

logger = logging.getLogger(__name__)

ACCOUNT_INTERVAL = dt.timedelta(days=1)
UNSUPPORTED_RECHECK = dt.timedelta(days=7)
LEASE = dt.timedelta(minutes=10)
BATCH = 100  # remote ids per provider call (providers split further where the API needs it)
MAX_PER_RUN = 1000  # post rows per account per run; the rest waits for the next run
DEFAULT_RETRY_AFTER = 15 * 60
TRANSIENT_DELAY = dt.timedelta(minutes=15)


@dataclass
class CollectOutcome:
    account_snapshots: int = 0
    post_snapshots: int = 0
    stopped: str = ""  # "", "rate_limited", "auth_expired", "transient", "not_usable", "leased"


def metrics_track_published(*, now: dt.datetime | None = None) -> int:
    """Create rollup rows for published targets not tracked yet (cross-tenant, by design)."""
    from content.models import PostTarget

    now = now or timezone.now()
    targets = (PostTarget.objects
               .filter(status=TargetState.PUBLISHED,
                       published_at__gte=now - dt.timedelta(days=TRACK_DAYS))
               .exclude(remote_id="")
               .filter(~Exists(TargetMetrics.objects.filter(target=OuterRef("pk"))))
               .select_related("post", "account")
               .only("id", "published_at", "post__id", "post__organization_id",
                     "account__id", "account__provider"))
    rows = []
    for target in targets.iterator(chunk_size=500):
        bucket, due = first_bucket(target.published_at, now)
        rows.append(TargetMetrics(organization_id=target.post.organization_id,
                                  account_id=target.account_id, target_id=target.pk,
                                  post_id=target.post_id, provider=target.account.provider,
                                  published_at=target.published_at, next_bucket=bucket,
                                  next_due_at=due))
    TargetMetrics.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def accounts_due(*, now: dt.datetime) -> list[int]:
    """Ids of usable accounts with account or post metrics due and no rate-limit pause."""
    posts_due = TargetMetrics.objects.filter(account=OuterRef("pk"), next_due_at__lte=now)
    schedule = MetricsSchedule.objects.filter(account=OuterRef("pk"))
    paused = schedule.filter(Q(blocked_until__gt=now) | Q(leased_until__gt=now))
    account_due = schedule.filter(account_due_at__gt=now)
    return list(ConnectedAccount.objects.usable()
                .filter(~Exists(paused))
                .filter(Exists(posts_due) | ~Exists(account_due))
                .values_list("pk", flat=True))


def metrics_enqueue_due(*, now: dt.datetime | None = None) -> list[int]:
    """Track new targets and queue a collection task per account with work due."""
    now = now or timezone.now()
    metrics_track_published(now=now)
    ids = accounts_due(now=now)
    for account_id in ids:
        enqueue("analytics.collect_account", account_id)
    return ids


def _lease(account: ConnectedAccount, now: dt.datetime) -> MetricsSchedule | None:
    schedule, _ = MetricsSchedule.objects.get_or_create(account=account)
    taken = (MetricsSchedule.objects.filter(pk=schedule.pk)
             .filter(Q(leased_until__isnull=True) | Q(leased_until__lte=now))
             .filter(Q(blocked_until__isnull=True) | Q(blocked_until__lte=now))
             .update(leased_until=now + LEASE))
    if not taken:
        return None
    schedule.refresh_from_db()
    return schedule


def metrics_collect_account(*, account_id: int, now: dt.datetime | None = None) -> CollectOutcome:
    """Collect what is due for one account. Safe to call at any time, from any worker."""
    now = now or timezone.now()
    outcome = CollectOutcome()
    account = ConnectedAccount.objects.select_related("organization").filter(pk=account_id).first()
    if account is None or not account.is_usable:
        outcome.stopped = "not_usable"
        return outcome
    schedule = _lease(account, now)
    if schedule is None:
        outcome.stopped = "leased"
        return outcome
    try:
        provider = get_provider(account.provider)
    except UnknownProvider:
        outcome.stopped = "not_usable"
        _release(schedule)
        return outcome
    try:
        account_due = schedule.account_due_at is None or schedule.account_due_at <= now
        posts_due = TargetMetrics.objects.filter(account=account, next_due_at__lte=now).exists()
        if account_due:
            outcome.account_snapshots = _collect_account_metrics(provider, account, schedule, now)
        outcome.post_snapshots = _collect_post_metrics(provider, account, now)
        if account_due or posts_due:  # the platform answered: a successful sync
            account_record_sync(account=account)
    except RateLimited as exc:
        outcome.stopped = "rate_limited"
        _rate_limited(account, schedule, exc, now)
    except AuthExpired as exc:
        outcome.stopped = "auth_expired"
        account_mark_needs_reconnect(account=account, reason=exc.message)
    except (Transient, ProviderError) as exc:
        outcome.stopped = "transient"
        _transient(account, schedule, exc, now)
    finally:
        _release(schedule)
    return outcome


def _release(schedule: MetricsSchedule) -> None:
    MetricsSchedule.objects.filter(pk=schedule.pk).update(leased_until=None)


def _collect_account_metrics(provider, account, schedule, now) -> int:
    try:
        metrics = provider.fetch_account_metrics(account)
    except NotSupported:
        MetricsSchedule.objects.filter(pk=schedule.pk).update(
            account_metrics_unsupported=True, account_due_at=now + UNSUPPORTED_RECHECK)
        return 0
    stored = account_metrics_ingest(account=account, metrics=metrics)
    MetricsSchedule.objects.filter(pk=schedule.pk).update(
        account_due_at=now + ACCOUNT_INTERVAL, account_metrics_unsupported=False, last_error="")
    schedule.account_due_at = now + ACCOUNT_INTERVAL
    return stored


def _collect_post_metrics(provider, account, now) -> int:
    due = list(TargetMetrics.objects.filter(account=account, next_due_at__lte=now)
               .select_related("target").order_by("next_due_at")[:MAX_PER_RUN])
    stored = 0
    for start in range(0, len(due), BATCH):
        rows = due[start:start + BATCH]
        try:
            results = provider.fetch_post_metrics(account, [r.target.remote_id for r in rows])
        except NotSupported:
            TargetMetrics.objects.filter(pk__in=[r.pk for r in rows]).update(
                unsupported=True, next_bucket=None, next_due_at=None)
            continue
        stored += post_metrics_ingest(rows=rows, results=results, now=now)
    return stored


def _rate_limited(account, schedule, exc: RateLimited, now) -> None:
    wait = exc.retry_after if exc.retry_after and exc.retry_after > 0 else DEFAULT_RETRY_AFTER
    until = now + dt.timedelta(seconds=wait)
    MetricsSchedule.objects.filter(pk=schedule.pk).update(
        blocked_until=until, last_error=(exc.message or "rate limited")[:500])
    # The due rows wait at least until the pause ends (their order is kept).
    TargetMetrics.objects.filter(account=account, next_due_at__lt=until).update(
        next_due_at=until)
    logger.info("analytics: %s rate limited for %ss", account.pk, wait)


def _transient(account, schedule, exc: ProviderError, now) -> None:
    delay = TRANSIENT_DELAY + dt.timedelta(seconds=random.randint(0, 120))
    MetricsSchedule.objects.filter(pk=schedule.pk).update(last_error=(exc.message or "")[:500])
    if schedule.account_due_at is None or schedule.account_due_at <= now:
        MetricsSchedule.objects.filter(pk=schedule.pk).update(account_due_at=now + delay)
    TargetMetrics.objects.filter(account=account, next_due_at__lte=now).update(
        next_due_at=now + delay)
    logger.info("analytics: %s transient error: %s", account.pk, exc.message)
