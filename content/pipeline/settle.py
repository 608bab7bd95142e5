"""Settling a claimed target: every outcome goes through the lease-guarded transition.

A worker may only move a target while the row still carries the lease it was handed
(the fencing token). If the lease expired and the dispatcher re-claimed the row, the
late worker's result is dropped here and the new claim reconciles with the platform.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.services.connected_accounts import accounts_record_sync
from content.models import PostTarget
from content.pipeline.backoff import next_attempt
from content.pipeline.dispatcher import parse_lease
from content.pipeline.notify import notify_target_problem
from content.services.transitions import target_transition
from content.signals import targets_settled
from content.workflows import TARGET, TargetState
from lib.weburl import http_url
from platforms.base import RemotePost

log = logging.getLogger(__name__)

MAX_ERROR = 1000
# The batch settle below writes this transition itself: it must stay legal.
if not TARGET.allows(TargetState.PUBLISHING, TargetState.PUBLISHED):
    raise RuntimeError("the target machine no longer allows publishing → published")
# Codes after which the platform must be asked before the next publish call.
UNCERTAIN = frozenset({"uncertain", "lease_expired", "crash"})


def settle(target: PostTarget, lease: str, to: str, *, reason: str = "",
           audit: bool = True, **fields) -> bool:
    """Move a publishing target to `to` if we still hold its lease. False: lease lost."""
    with transaction.atomic():
        held = (PostTarget.objects.select_for_update()
                .filter(pk=target.pk, status=TargetState.PUBLISHING,
                        lease_expires_at=parse_lease(lease)).exists())
        if not held:
            log.info("target %s: lease lost, result of this run dropped", target.pk)
            return False
        if "last_error" in fields:
            fields["last_error"] = fields["last_error"][:MAX_ERROR]
        target_transition(target, to, expected=TargetState.PUBLISHING, reason=reason,
                          audit=audit, **fields)
    return True


def published_many(items: list[tuple[PostTarget, str, RemotePost]]) -> list[PostTarget]:
    """Settle a batch of published targets in one transaction; returns those still ours.

    The hot path of the pipeline, so it is one compare-and-set UPDATE per row (the lease
    and the state in its WHERE: no lock-then-check), one INSERT for all audit entries, and
    webhook events only for organisations that subscribed to them. Same transition, audit
    verb and event as `target_transition(target, "published")`.
    """
    now = timezone.now()
    rows = [(target, parse_lease(lease), {
        "status": TargetState.PUBLISHED, "remote_id": remote.id[:255],
        "remote_url": http_url(remote.url), "published_at": remote.published_at or now,
        "lease_expires_at": None, "last_error": "", "last_error_code": "",
        "next_attempt_at": None}) for target, lease, remote in items]
    done: list[PostTarget] = []
    with transaction.atomic():
        settled = (_cas_published_postgres(rows, now) if connection.vendor == "postgresql"
                   else _cas_published_each(rows, now))
        for target, _lease, fields in rows:
            if target.pk not in settled:
                log.info("target %s: lease lost, result of this run dropped", target.pk)
                continue
            for name, value in fields.items():
                setattr(target, name, value)
            done.append(target)
        AuditEntry.objects.bulk_create(
            AuditEntry(organization_id=t.post.organization_id, actor=None, actor_label="",
                       verb="content.target.published", target_type=t._meta.label_lower,
                       target_id=str(t.pk), target_label=str(t)[:200],
                       details={"from": TargetState.PUBLISHING, "to": TargetState.PUBLISHED,
                                "reason": "published", "post": t.post_id})
            for t in done)
        accounts_record_sync(account_ids=[t.account_id for t in done])
        targets_settled.send(sender=PostTarget, targets=done)
    return done


def _cas_published_each(rows, now: dt.datetime) -> set[int]:
    return {target.pk for target, lease, fields in rows
            if PostTarget.objects.filter(pk=target.pk, status=TargetState.PUBLISHING,
                                         lease_expires_at=lease).update(updated_at=now,
                                                                        **fields)}


def _cas_published_postgres(rows, now: dt.datetime) -> set[int]:
    """All rows in one `UPDATE … FROM (VALUES …) … RETURNING id`: same compare-and-set
    (state and lease in the WHERE), one statement instead of one per target."""
    table = connection.ops.quote_name(PostTarget._meta.db_table)
    values = ", ".join(["(%s::bigint, %s::timestamptz, %s, %s, %s::timestamptz)"] * len(rows))
    params: list = []
    for target, lease, fields in rows:
        params += [target.pk, lease, fields["remote_id"], fields["remote_url"],
                   fields["published_at"]]
    # Only the table name is interpolated (from the model); every value is a parameter.
    sql = (f"UPDATE {table} AS t SET status = %s, remote_id = v.remote_id, "  # noqa: S608
           f"remote_url = v.remote_url, published_at = v.published_at, "
           f"lease_expires_at = NULL, next_attempt_at = NULL, last_error = '', "
           f"last_error_code = '', updated_at = %s "
           f"FROM (VALUES {values}) AS v(id, lease, remote_id, remote_url, published_at) "
           f"WHERE t.id = v.id AND t.status = %s AND t.lease_expires_at = v.lease "
           f"RETURNING t.id")
    with connection.cursor() as cursor:
        cursor.execute(sql, [TargetState.PUBLISHED, now, *params, TargetState.PUBLISHING])
        return {row[0] for row in cursor.fetchall()}


def retry_later(target: PostTarget, lease: str, *, code: str, message: str,
                retry_after: float | None = None, when: dt.datetime | None = None,
                count_attempt: bool = True) -> str:
    """Back to scheduled with the next try pushed out, or failed when out of attempts."""
    if count_attempt and target.attempts >= settings.PUBLISH_MAX_ATTEMPTS:
        fail(target, lease, code=code, message=message)
        return TargetState.FAILED
    when = when or next_attempt(timezone.now(), target.attempts, retry_after=retry_after)
    extra = {} if count_attempt else {"attempts": F("attempts") - 1}
    settle(target, lease, TargetState.SCHEDULED, reason=code, audit=False,
           next_attempt_at=when, lease_expires_at=None, last_error=message,
           last_error_code=code, **extra)
    return TargetState.SCHEDULED


def fail(target: PostTarget, lease: str, *, code: str, message: str) -> str:
    if settle(target, lease, TargetState.FAILED, reason=message[:200], lease_expires_at=None,
              next_attempt_at=None, last_error=message, last_error_code=code):
        notify_target_problem(target=target, state=TargetState.FAILED, reason=message)
    return TargetState.FAILED


def pause(target: PostTarget, lease: str, *, code: str, message: str) -> str:
    if settle(target, lease, TargetState.PAUSED, reason=message[:200], lease_expires_at=None,
              next_attempt_at=None, last_error=message, last_error_code=code):
        notify_target_problem(target=target, state=TargetState.PAUSED, reason=message)
    return TargetState.PAUSED


def unconfirmed(target: PostTarget, lease: str, *, message: str) -> str:
    if settle(target, lease, TargetState.UNCONFIRMED, reason=message[:200],
              lease_expires_at=None, next_attempt_at=None, last_error=message,
              last_error_code="unconfirmed"):
        notify_target_problem(target=target, state=TargetState.UNCONFIRMED, reason=message)
    return TargetState.UNCONFIRMED
