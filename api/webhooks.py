"""`emit(organization, event, payload)`: the one call the other apps make.

It waits for the caller's transaction to commit (an event about a change that
was rolled back is never sent), records one delivery per subscribed endpoint,
and queues the first attempt. Failed attempts are retried by the dispatcher
(see services.webhooks).
"""

from __future__ import annotations

import logging
import uuid

from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)


def emit(organization, event: str, payload: dict) -> None:
    """Send `event` with `payload` (JSON-serialisable) to the organisation's endpoints."""
    org_id = getattr(organization, "pk", organization)
    transaction.on_commit(lambda: _record_and_queue(org_id, event, payload))


def _record_and_queue(org_id: int, event: str, payload: dict) -> None:
    from api.models import WebhookEvent
    from api.services.webhooks import webhook_deliveries_create
    from api.tasks import deliver_webhook

    if event not in WebhookEvent.values:
        raise ValueError(f"unknown webhook event {event!r}")
    try:
        deliveries = webhook_deliveries_create(organization_id=org_id, event=event,
                                               event_id=uuid.uuid4(), payload=payload,
                                               occurred_at=timezone.now())
    except Exception:  # never break the caller's flow (it already committed)
        log.exception("webhooks: could not record %s for organisation %s", event, org_id)
        return
    for delivery in deliveries:
        try:
            deliver_webhook.delay(delivery.pk)
        except Exception:  # broker down: the dispatcher sends it (the row is due now)
            log.warning("webhooks: could not queue delivery %s", delivery.pk)
