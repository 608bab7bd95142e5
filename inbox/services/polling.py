"""Polling: per account and source, page through new items from the cursor and ingest them.

A cursor row is the schedule: `next_poll_at` is pushed out when a poll is claimed (a lease, so
the next beat does not queue it twice), by the platform's Retry-After, and by exponential
backoff after errors. The database is the only schedule; tasks carry ids.
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
from lib.taskqueue import enqueue
from platforms.base import InboxPage
from platforms.errors import AuthExpired, NotSupported, ProviderError, RateLimited
from platforms.registry import UnknownProvider, enabled_keys, get_provider

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=5)  # a poll that crashed is picked up again after this
MAX_BACKOFF = 3600


def poll_interval() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "INBOX_POLL_INTERVAL_SECONDS", 60))


def max_pages() -> int:
    return getattr(settings, "INBOX_POLL_MAX_PAGES", 10)


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
                     limit: int = 500) -> list[int]:
    """Claim due cursors (compare-and-set on next_poll_at) and return their ids."""
    now = now or timezone.now()
    due = list(
        InboxCursor.objects.filter(source_filter, disabled=False)
        .filter(account__in=pollable_accounts())
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .values_list("pk", "next_poll_at")[:limit]
    )
    claimed = []
    for pk, seen in due:
        # Another beat (or a second scheduler) may have claimed it in between: skip then.
        if InboxCursor.objects.filter(pk=pk, next_poll_at=seen).update(next_poll_at=now + LEASE):
            claimed.append(pk)
    return claimed


def inbox_enqueue_due_polls(*, now: dt.datetime | None = None) -> list[int]:
    """Beat, every minute: make sure every pollable account has a cursor, queue the due ones."""
    missing = pollable_accounts().exclude(inbox_cursors__source=SOURCE_INBOX)
    InboxCursor.objects.bulk_create(
        [InboxCursor(account_id=pk, source=SOURCE_INBOX) for pk in
         missing.values_list("pk", flat=True)], ignore_conflicts=True)
    with transaction.atomic():
        claimed = cursor_claim_due(source_filter=Q(source=SOURCE_INBOX), now=now)
        for pk in claimed:
            enqueue("inbox.poll_cursor", pk)
    return claimed


def poll(cursor: InboxCursor, fetch: Callable[..., InboxPage], *, kind: str | None,
         interval: dt.timedelta | None = None) -> PollResult:
    account = cursor.account
    result = PollResult()
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
            if not page.items or not moved:
                break
    except RateLimited as exc:
        return _failed(cursor, result, "rate_limited", exc, delay=exc.retry_after)
    except AuthExpired as exc:
        _needs_reconnect(account, exc)
        return _failed(cursor, result, "auth_expired", exc, delay=None, stop=True)
    except NotSupported as exc:
        return _failed(cursor, result, "not_supported", exc, delay=None, disable=True)
    except (ProviderError, UnknownProvider) as exc:
        return _failed(cursor, result, "transient", exc, delay=None)
    now = timezone.now()
    InboxCursor.objects.filter(pk=cursor.pk).update(
        last_polled_at=now, next_poll_at=now + (interval or poll_interval()), backoff=0,
        last_error="")
    account_record_sync(account=account)
    return result


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
        disabled=disable,
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
