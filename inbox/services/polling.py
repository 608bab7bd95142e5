"""Polling: per account and source, page through new items from the cursor and ingest them.

A cursor row is the schedule: `next_poll_at` is its next slot (planned by
`inbox.services.poll_planning`: every interval, on the cursor's own phase), pushed out by the
platform's Retry-After — for every cursor of the account, they share its quota — and by
exponential backoff after errors. `leased_until` keeps the next beat from queueing a poll
twice. The database is the only schedule; tasks carry ids.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import AccountStatus, ConnectedAccount
from accounts.services.connected_accounts import account_record_sync
from inbox.models import SOURCE_INBOX, InboxCursor
from inbox.services.ingest import IngestRun, inbox_ingest_entries
from inbox.services.poll_planning import (
    TICK_MARGIN,
    beat_tick,
    countdown,
    next_slot,
    phase_seconds,
)
from lib.taskqueue import enqueue
from platforms.base import InboxPage
from platforms.errors import AuthExpired, NotSupported, ProviderError, RateLimited
from platforms.http import quota_wait, reset_quota
from platforms.registry import UnknownProvider, enabled_keys, get_provider

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=5)  # a poll that crashed is picked up again after this
MAX_BACKOFF = 3600


def poll_interval() -> dt.timedelta:
    return dt.timedelta(seconds=settings.INBOX_POLL_INTERVAL_SECONDS)


def max_pages() -> int:
    return settings.INBOX_POLL_MAX_PAGES


def backoff_delay(failures: int) -> float:
    """Exponential with jitter: 1, 2, 4 … minutes, at most an hour."""
    base = min(60 * 2 ** max(failures - 1, 0), MAX_BACKOFF)
    return base * random.uniform(0.8, 1.2)


@dataclass
class PollResult:
    pages: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    outcome: str = "ok"  # ok | rate_limited | transient | auth_expired | not_supported


def pollable_accounts():
    """Accounts whose inbox is polled: connected, usable, on an enabled platform."""
    return ConnectedAccount.objects.filter(
        disconnected_at__isnull=True, status=AccountStatus.ACTIVE, provider__in=enabled_keys()
    )


def cursor_claim_due(*, source_filter: Q, now: dt.datetime | None = None,
                     lookahead: float = 0.0, limit: int = 500) -> list[tuple[int, float | None]]:
    """Lease the cursors due before `now + lookahead` seconds (compare-and-set on the lease);
    each with the countdown to its slot (None: at once)."""
    now = now or timezone.now()
    horizon = now + dt.timedelta(seconds=lookahead)
    due = list(
        InboxCursor.objects.filter(source_filter, disabled=False)
        .filter(account__in=pollable_accounts())
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=horizon))
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lte=now))
        .order_by("next_poll_at")
        .values_list("pk", "next_poll_at", "leased_until")[:limit]
    )
    claimed = []
    for pk, slot, lease in due:
        wait = countdown(slot, now)
        # Another beat (or a second scheduler) may have claimed it in between: skip then.
        if InboxCursor.objects.filter(pk=pk, leased_until=lease).update(
                leased_until=now + dt.timedelta(seconds=wait or 0) + LEASE):
            claimed.append((pk, wait))
    return claimed


def queue_claimed(claimed: list[tuple[int, float | None]]) -> list[int]:
    for pk, wait in claimed:
        enqueue("inbox.poll_cursor", pk, countdown=wait)
    return [pk for pk, _wait in claimed]


def inbox_enqueue_due_polls(*, now: dt.datetime | None = None) -> list[int]:
    """Beat, every minute: make sure every pollable account has a cursor, queue the ones due
    before the next beat (each for its slot)."""
    missing = pollable_accounts().exclude(inbox_cursors__source=SOURCE_INBOX)
    InboxCursor.objects.bulk_create(
        [InboxCursor(account_id=pk, source=SOURCE_INBOX) for pk in
         missing.values_list("pk", flat=True)], ignore_conflicts=True)
    with transaction.atomic():
        claimed = cursor_claim_due(source_filter=Q(source=SOURCE_INBOX), now=now,
                                   lookahead=beat_tick("inbox-polls") + TICK_MARGIN)
        return queue_claimed(claimed)


def poll(cursor: InboxCursor, fetch: Callable[..., InboxPage], *, kind: str | None,
         interval: dt.timedelta | None = None) -> PollResult:
    account = cursor.account
    result = PollResult()
    reset_quota()
    try:
        provider = get_provider(account.provider)
        run = IngestRun(account.organization_id)
        for _page in range(max_pages()):
            page = fetch(provider, account, cursor.cursor)
            ingested = inbox_ingest_entries(account, page.items, kind=kind, run=run)
            result.pages += 1
            result.created += len(ingested.created)
            result.updated += ingested.updated
            result.skipped += ingested.skipped
            moved = bool(page.cursor) and page.cursor != cursor.cursor
            if page.cursor:
                # Saved after every page, so a later failure does not refetch what we hold.
                cursor.cursor = page.cursor
                InboxCursor.objects.filter(pk=cursor.pk).update(cursor=page.cursor)
            if not page.items or not moved or quota_wait():
                break  # the rest next time (or once the quota the platform named is back)
    except RateLimited as exc:
        return _rate_limited(cursor, result, exc)
    except AuthExpired as exc:
        _needs_reconnect(account, exc)
        return _failed(cursor, result, "auth_expired", exc, delay=None, stop=True)
    except NotSupported as exc:
        return _failed(cursor, result, "not_supported", exc, delay=None, disable=True)
    except (ProviderError, UnknownProvider) as exc:
        return _failed(cursor, result, "transient", exc, delay=None)
    now = timezone.now()
    planned = plan_next(cursor, now, interval or poll_interval())
    wait = quota_wait()  # the answer said the quota is used up: wait for it, not into a 429
    if wait:
        planned = max(planned, now + dt.timedelta(seconds=wait))
        _hold_account(cursor, planned)
    InboxCursor.objects.filter(pk=cursor.pk).update(
        last_polled_at=now, next_poll_at=planned, leased_until=None, backoff=0, last_error="")
    account_record_sync(account=account)
    return result


def plan_next(cursor: InboxCursor, now: dt.datetime, interval: dt.timedelta) -> dt.datetime:
    phase = phase_seconds(cursor.account_id, cursor.source, interval.total_seconds())
    return next_slot(planned=cursor.next_poll_at, now=now, interval=interval, phase=phase)


def _rate_limited(cursor: InboxCursor, result: PollResult, exc: RateLimited) -> PollResult:
    """Wait as the platform asked; the account's other cursors (searches) share its quota,
    so they wait too."""
    failed = _failed(cursor, result, "rate_limited", exc, delay=exc.retry_after)
    _hold_account(cursor, InboxCursor.objects.get(pk=cursor.pk).next_poll_at)
    return failed


def _hold_account(cursor: InboxCursor, until: dt.datetime) -> None:
    """The account's other cursors wait until `until` too (one quota per account)."""
    InboxCursor.objects.filter(account_id=cursor.account_id).exclude(pk=cursor.pk).filter(
        Q(next_poll_at__isnull=True) | Q(next_poll_at__lt=until)).update(next_poll_at=until)


def _failed(cursor, result, outcome, exc, *, delay, stop=False, disable=False) -> PollResult:
    # A stopped cursor (the account needs reconnecting) is not failing: after the reconnect
    # it polls at once, without a backoff.
    failures = cursor.backoff if stop else cursor.backoff + 1
    if delay is None:
        delay = backoff_delay(failures)
    delay = max(float(delay), 1.0)
    now = timezone.now()
    log.info("inbox poll of account %s (%s): %s", cursor.account_id, cursor.source, outcome)
    InboxCursor.objects.filter(pk=cursor.pk).update(
        last_polled_at=now, backoff=failures, last_error=str(exc)[:500],
        disabled=disable, leased_until=None,
        # Stopped accounts are skipped by the due query until they are usable again; the
        # time only matters once they are.
        next_poll_at=now if stop else now + dt.timedelta(seconds=delay),
    )
    result.outcome = outcome
    return result


def _needs_reconnect(account: ConnectedAccount, exc: Exception) -> None:
    """The accounts service pauses the account, audits it and tells its admins; its cursors
    are skipped by the due query until it is reconnected (no retry loop)."""
    from accounts.services import account_mark_needs_reconnect

    account_mark_needs_reconnect(account=account, reason=getattr(exc, "message", "") or str(exc))
