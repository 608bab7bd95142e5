"""Meta's change notifications (parsed by `platforms.meta.webhooks`) into the inbox."""

from __future__ import annotations

from collections import defaultdict

from accounts.models import ConnectedAccount
from inbox.services.ingest import inbox_ingest_entries
from platforms.base import InboxEntry
from platforms.meta.webhooks import WebhookEvent


def meta_events_ingest(events: list[WebhookEvent]) -> int:
    """Hand events to the inbox, per connected account; returns how many entries went in.

    Events for accounts no organisation has connected (or that are disabled) are dropped.
    """
    grouped: dict[tuple[str, str], list[InboxEntry]] = defaultdict(list)
    for event in events:
        grouped[(event.provider, event.external_id)].append(event.entry)
    delivered = 0
    for (provider, external_id), entries in grouped.items():
        # Cross-tenant on purpose: the platform tells us the account, not the organisation.
        accounts = ConnectedAccount.objects.filter(
            provider=provider, external_id=external_id, disconnected_at__isnull=True,
        ).exclude(status="disabled")
        for account in accounts:
            inbox_ingest_entries(account, entries)
            delivered += len(entries)
    return delivered
