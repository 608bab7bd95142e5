"""The dispatcher: claims due targets and hands each to a worker task.

Runs every second from Celery beat (`pipeline.dispatch`). The database is the only
schedule: nothing is queued for the future, so editing, rescheduling or cancelling a
post takes effect at once. Claiming is cross-tenant on purpose (one dispatcher serves
every organisation).

PostgreSQL: due rows are read from the partial index with `FOR UPDATE SKIP LOCKED`, so
concurrent dispatchers (and content services holding a row lock while editing) never
block or double-claim. SQLite: `transaction_mode=IMMEDIATE` makes every transaction take
the write lock at BEGIN, so claims are serialised; the compare-and-set UPDATE
(`WHERE status = 'scheduled'`) and the re-read by lease make a claim count once either way.

The lease expiry instant doubles as the claim's fencing token: a worker acts only while
the row still carries the lease it was handed.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from content.models import PostTarget
from content.workflows import TARGET, TargetState
from lib.taskqueue import enqueue

log = logging.getLogger(__name__)

# The bulk claims below are this machine's batch transitions: they must stay legal.
if not (TARGET.allows(TargetState.SCHEDULED, TargetState.PUBLISHING)
        and TARGET.allows(TargetState.PUBLISHING, TargetState.PUBLISHING)):
    raise RuntimeError("the target machine no longer allows the dispatcher's claims")

LEASE_EXPIRED = "lease_expired"
CLAIM_CHUNK = 100  # rows per claiming transaction


@dataclass(frozen=True)
class Claim:
    target_id: int
    lease: str  # ISO instant of lease_expires_at: the fencing token


def lease_token(value: dt.datetime) -> str:
    return value.isoformat()


def parse_lease(token: str) -> dt.datetime:
    return dt.datetime.fromisoformat(token)


def _locked(queryset):
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    return queryset  # SQLite: BEGIN IMMEDIATE already holds the write lock


def dispatch_due_targets(*, now: dt.datetime | None = None, batch: int | None = None,
                         enqueue: bool = True) -> list[Claim]:
    """Claim due targets (and publishing ones whose lease expired) and queue their tasks.

    "Due" includes the next PUBLISH_CLAIM_AHEAD seconds: workers load and check those
    targets and build their requests before the instant, then wait for it (calls.py), so
    a thousand posts due at 10:00:00 are on their way at 10:00:00 rather than after a
    dispatcher run, a queue hop and a database round trip. From the claim on, the post
    counts as being published (edits are refused as for any post going out).
    Claims are made in short transactions of CLAIM_CHUNK rows, each queued as soon as it
    commits: with a thousand posts due at once, workers start on the first ones while the
    rest are still being claimed. Expired leases are re-claimed with `last_error_code =
    lease_expired`: the worker then reconciles with the platform before any new publish
    call (never a blind retry).
    """
    now = now or timezone.now()
    batch = batch or settings.PUBLISH_DISPATCH_BATCH
    ahead = dt.timedelta(seconds=settings.PUBLISH_CLAIM_AHEAD)
    lease = now + dt.timedelta(seconds=settings.PUBLISH_LEASE_SECONDS)  # ≫ the wait
    claims: list[Claim] = []
    due_count = expired_count = 0
    first = True
    while len(claims) < batch:
        size = min(CLAIM_CHUNK, batch - len(claims))
        due, expired, chunk = _claim_chunk(now, now + ahead, lease, size, reclaim=first,
                                           enqueue=enqueue)
        due_count, expired_count, first = due_count + len(due), expired_count + len(expired), False
        claims += chunk
        if len(due) < size or not chunk:
            break
    _record_run(now, due_count, expired_count)
    return claims


def _claim_chunk(now: dt.datetime, until: dt.datetime, lease: dt.datetime, size: int, *,
                 reclaim: bool, enqueue: bool) -> tuple[list[int], list[int], list[Claim]]:
    with transaction.atomic():
        due = _claim_due(now, until, lease, size)
        expired = []
        if reclaim:
            expired = list(_locked(PostTarget.objects.lease_expired(now)
                                   .order_by("lease_expires_at", "pk"))
                           .values_list("pk", flat=True)[:size])
        if expired:
            PostTarget.objects.filter(pk__in=expired, status=TargetState.PUBLISHING,
                                      lease_expires_at__lt=now).update(
                lease_expires_at=lease, attempts=F("attempts") + 1,
                last_error_code=LEASE_EXPIRED, updated_at=now)
            log.warning("re-claimed %d publishing targets whose lease expired", len(expired))
            expired = list(PostTarget.objects.filter(
                pk__in=expired, status=TargetState.PUBLISHING, lease_expires_at=lease)
                .values_list("pk", flat=True))
        claims = [Claim(pk, lease_token(lease)) for pk in sorted([*due, *expired])]
        if enqueue and claims:  # queued once the chunk is committed, i.e. ours
            transaction.on_commit(lambda: _enqueue(claims))
    return due, expired, claims


def _claim_due(now: dt.datetime, until: dt.datetime, lease: dt.datetime,
               size: int) -> list[int]:
    """Claim up to `size` targets due by `until` (first attempts; retries by `now`, so a
    backoff is kept to the instant) in one statement; the ids it moved.

    `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING id`: one round trip
    instead of lock, update and re-read (PostgreSQL; SQLite ≥ 3.35 runs the same statement
    without the lock clause, its write lock serialising claims). The outer `status`
    condition is the compare-and-set: a row is claimed once, whatever the plan.
    """
    table = connection.ops.quote_name(PostTarget._meta.db_table)
    lock = " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked \
        else ""
    adapt = connection.ops.adapt_datetimefield_value
    # Only the table name is interpolated (from the model); every value is a parameter.
    sql = (f"UPDATE {table} SET status = %s, lease_expires_at = %s, attempts = attempts + 1, "  # noqa: S608
           f"updated_at = %s WHERE status = %s AND id IN (SELECT id FROM {table} "
           f"WHERE status = %s AND next_attempt_at <= %s "
           f"AND (attempts = 0 OR next_attempt_at <= %s) ORDER BY next_attempt_at, id "
           f"LIMIT %s{lock}) RETURNING id")
    with connection.cursor() as cursor:
        cursor.execute(sql, [TargetState.PUBLISHING, adapt(lease), adapt(now),
                             TargetState.SCHEDULED, TargetState.SCHEDULED, adapt(until),
                             adapt(now), size])
        return [row[0] for row in cursor.fetchall()]


def _enqueue(claims: list[Claim]) -> None:
    """Batches per message (PUBLISH_TASK_BATCH): a worker publishes a batch concurrently,
    and a thousand due posts cost twenty messages instead of a thousand."""
    size = max(1, settings.PUBLISH_TASK_BATCH)
    for start in range(0, len(claims), size):
        enqueue("pipeline.publish_targets",
                [[c.target_id, c.lease] for c in claims[start:start + size]], on_commit=False)


def next_due_within(now: dt.datetime, seconds: float) -> dt.datetime | None:
    """The next scheduled instant in (now, now + seconds], if any (from the due index)."""
    return (PostTarget.objects.filter(status=TargetState.SCHEDULED, next_attempt_at__gt=now,
                                      next_attempt_at__lte=now + dt.timedelta(seconds=seconds))
            .order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first())


def _record_run(now: dt.datetime, due: int, expired: int) -> None:
    from ops.services import heartbeat_record

    heartbeat_record(kind="dispatcher", name="dispatcher",
                     details={"claimed": due, "reclaimed": expired, "at": now.isoformat()})
