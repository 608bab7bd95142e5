"""Listening: saved searches run through the organisation's accounts, results kept as items."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from inbox.models import SOURCE_INBOX, InboxCursor, ItemKind, SavedSearch, search_source
from inbox.services.poll_planning import TICK_MARGIN, beat_tick
from inbox.services.polling import (
    PollResult,
    cursor_claim_due,
    poll,
    pollable_accounts,
    queue_claimed,
)


def listening_interval() -> dt.timedelta:
    return dt.timedelta(seconds=settings.INBOX_LISTENING_INTERVAL_SECONDS)


def inbox_enqueue_due_searches() -> list[int]:
    """Beat: one cursor per (active saved search, usable account); queue the due ones."""
    pairs = SavedSearch.objects.filter(enabled=True, accounts__in=pollable_accounts()).values_list(
        "pk", "accounts")
    InboxCursor.objects.bulk_create(
        [InboxCursor(account_id=account_id, source=search_source(pk)) for pk, account_id in pairs],
        ignore_conflicts=True)
    with transaction.atomic():
        claimed = cursor_claim_due(source_filter=Q(source__startswith="search:"),
                                   lookahead=beat_tick("inbox-listening") + TICK_MARGIN)
        return queue_claimed(claimed)


def poll_search_cursor(cursor: InboxCursor) -> PollResult:
    search_id = int(cursor.source.split(":", 1)[1])
    search = SavedSearch.objects.filter(
        pk=search_id, enabled=True, organization_id=cursor.account.organization_id,
        accounts=cursor.account,
    ).first()
    if search is None:  # deleted, paused or no longer searched through this account
        InboxCursor.objects.filter(pk=cursor.pk).update(disabled=True)
        return PollResult(outcome="not_supported")
    return poll(
        cursor, lambda provider, account, c: provider.search(account, search.query, c),
        kind=ItemKind.LISTENING, interval=listening_interval(),
    )


def saved_search_changed(search: SavedSearch) -> None:
    """After an edit: start over (the query changed) and re-enable the search's cursors."""
    InboxCursor.objects.filter(source=search_source(search.pk)).update(
        cursor="", disabled=False, next_poll_at=None, leased_until=None, backoff=0)


def inbox_poll_cursor(*, cursor_id: int) -> PollResult:
    """Poll one cursor now: the inbox of its account, or a saved search."""
    cursor = InboxCursor.objects.select_related("account").get(pk=cursor_id)
    if cursor.source == SOURCE_INBOX:
        return poll(cursor, lambda provider, acc, c: provider.fetch_inbox(acc, c), kind=None)
    return poll_search_cursor(cursor)
