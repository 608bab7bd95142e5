"""Webhook endpoints and deliveries: registering, sending, retrying, re-sending.

The database is the schedule: a delivery row is `pending` with `next_attempt_at`
until it succeeds or runs out of attempts. An attempt first claims the row
(compare-and-set pending → sending with a lease), so a queued task and the
dispatcher can never send the same attempt twice.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import time
import uuid

import requests
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.services.errors import ServiceError
from api.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from api.signing import SIGNATURE_HEADER, new_secret, sign
from lib.crypto import encrypt
from lib.netguard import UnsafeURL, guarded_session, safe_public_url
from lib.taskqueue import enqueue
from lib.text_input import clean_name

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=2)
BACKOFF_BASE = 30  # seconds before the 2nd attempt; doubles each time
BACKOFF_MAX = 6 * 3600
MAX_STORED_BODY = 2000


# --- endpoints ---------------------------------------------------------------------------

def _check_url(url: str) -> str:
    try:
        return safe_public_url(url)
    except UnsafeURL as exc:
        raise ServiceError(str(exc), code="unsafe_url") from None


def _check_events(events: list[str]) -> list[str]:
    chosen = [e for e in WebhookEvent.values if e in set(events)]
    if not chosen or len(chosen) != len(set(events)):
        raise ServiceError(_("Choose at least one known event."), code="events")
    return chosen


def webhook_endpoint_create(*, organization, actor, url: str, events: list[str],
                            description: str = "", is_active: bool = True,
                            request=None) -> tuple[WebhookEndpoint, str]:
    """Register `url`; returns the endpoint and its signing secret (shown once)."""
    url = _check_url(url)
    events = _check_events(events)
    secret = new_secret()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            organization=organization, url=url, events=events,
            description=clean_name(description)[:200], secret_encrypted=encrypt(secret),
            is_active=is_active, created_by=actor)
        audit_record(organization=organization, actor=actor, verb="api.webhook.created",
                     target=endpoint, request=request, details={"events": events})
    return endpoint, secret


def webhook_endpoint_update(*, endpoint: WebhookEndpoint, actor, url: str, events: list[str],
                            description: str = "", is_active: bool = True,
                            request=None) -> WebhookEndpoint:
    endpoint.url = _check_url(url)
    endpoint.events = _check_events(events)
    endpoint.description = clean_name(description)[:200]
    endpoint.is_active = is_active
    with transaction.atomic():
        endpoint.save(update_fields=["url", "events", "description", "is_active"])
        audit_record(organization=endpoint.organization, actor=actor,
                     verb="api.webhook.updated", target=endpoint, request=request,
                     details={"events": endpoint.events, "active": is_active})
    return endpoint


def webhook_endpoint_rotate_secret(*, endpoint: WebhookEndpoint, actor, request=None) -> str:
    secret = new_secret()
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret_encrypted=encrypt(secret))
        audit_record(organization=endpoint.organization, actor=actor,
                     verb="api.webhook.secret_rotated", target=endpoint, request=request)
    return secret


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, actor, request=None) -> None:
    with transaction.atomic():
        audit_record(organization=endpoint.organization, actor=actor,
                     verb="api.webhook.deleted", target=endpoint, request=request,
                     details={"url": endpoint.url})
        endpoint.delete()


# --- deliveries --------------------------------------------------------------------------

def webhook_deliveries_create(*, organization_id: int, event: str, event_id: uuid.UUID,
                              payload: dict, occurred_at: dt.datetime) -> list[WebhookDelivery]:
    endpoints = [e for e in WebhookEndpoint.objects.filter(organization_id=organization_id,
                                                          is_active=True)
                 if event in e.events]
    if not endpoints:
        return []
    body = json.loads(json.dumps(
        {"id": str(event_id), "event": event, "created_at": occurred_at, "data": payload},
        cls=DjangoJSONEncoder))
    return WebhookDelivery.objects.bulk_create(
        WebhookDelivery(organization_id=organization_id, endpoint=endpoint, event=event,
                        event_id=event_id, payload=body, next_attempt_at=occurred_at)
        for endpoint in endpoints)


def webhook_delivery_resend(*, delivery: WebhookDelivery, actor, request=None) -> WebhookDelivery:
    """A new delivery of the same event (same event id) to the same endpoint, sent now."""
    copy = WebhookDelivery.objects.create(
        organization=delivery.organization, endpoint=delivery.endpoint, event=delivery.event,
        event_id=delivery.event_id, payload=delivery.payload, resent_from=delivery,
        next_attempt_at=timezone.now())
    audit_record(organization=delivery.organization, actor=actor, verb="api.webhook.resent",
                 target=delivery.endpoint, request=request,
                 details={"delivery": str(delivery.uid), "event": delivery.event})

    enqueue("api.deliver_webhook", copy.pk)
    return copy


def backoff(attempts: int) -> dt.timedelta:
    """Wait before attempt `attempts + 1`: 30 s, 60 s, 2 min … capped at 6 h, ±20 % jitter."""
    base = min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)
    return dt.timedelta(seconds=base * random.uniform(0.8, 1.2))


def _claim(delivery_id: int, now: dt.datetime) -> WebhookDelivery | None:
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now,
    ).update(status=DeliveryStatus.SENDING, lease_expires_at=now + LEASE)
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)


def _post(delivery: WebhookDelivery) -> tuple[int | None, str, str]:
    """(status code, response body head, error). Redirects are not followed."""
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json", "User-Agent": "socialmgr-webhooks/1",
        "X-Socialmgr-Event": delivery.event, "X-Socialmgr-Delivery": str(delivery.uid),
        SIGNATURE_HEADER: sign(endpoint.get_secret(), body),
    }
    try:
        safe_public_url(endpoint.url)  # again at delivery: DNS may have changed since
        response = guarded_session().post(
            endpoint.url, data=body, headers=headers, allow_redirects=False,
            timeout=(5, settings.WEBHOOK_TIMEOUT_SECONDS))
    except UnsafeURL as exc:
        return None, "", str(exc)
    except requests.RequestException as exc:
        return None, "", _("Connection failed (%(kind)s).") % {"kind": type(exc).__name__}
    text = response.text[:MAX_STORED_BODY]
    if 300 <= response.status_code < 400:
        return response.status_code, text, _("Redirects are not followed.")
    return response.status_code, text, ""


def webhook_delivery_attempt(*, delivery_id: int, now: dt.datetime | None = None) -> str | None:
    """Send one attempt if the delivery is due; returns its new status (None: not due)."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return None
    started = time.monotonic()
    code, text, error = _post(delivery)
    ok = code is not None and 200 <= code < 300 and not error
    attempts = delivery.attempts + 1
    fields = {"attempts": attempts, "response_code": code, "response_body": text,
              "error": error or ("" if ok else _("HTTP %(code)s") % {"code": code}),
              "duration_ms": int((time.monotonic() - started) * 1000),
              "last_attempt_at": now, "lease_expires_at": None}
    if ok:
        fields.update(status=DeliveryStatus.SUCCEEDED, delivered_at=timezone.now(),
                      next_attempt_at=None)
    elif attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        fields.update(status=DeliveryStatus.FAILED, next_attempt_at=None)
    else:
        fields.update(status=DeliveryStatus.PENDING, next_attempt_at=now + backoff(attempts))
    WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(**fields)
    log.info("webhook %s → endpoint %s: %s", delivery.event, delivery.endpoint_id,
             fields["status"])
    return fields["status"]


def webhook_deliveries_due(*, now: dt.datetime | None = None, limit: int = 200) -> list[int]:
    """Ids of deliveries to attempt now; leases that expired (a worker died) are released.

    Cross-tenant on purpose: the dispatcher serves every organisation.
    """
    now = now or timezone.now()
    WebhookDelivery.objects.filter(status=DeliveryStatus.SENDING,
                                   lease_expires_at__lt=now).update(
        status=DeliveryStatus.PENDING, next_attempt_at=now, lease_expires_at=None)
    return list(WebhookDelivery.objects.due(now).order_by("next_attempt_at")
                .values_list("pk", flat=True)[:limit])


def webhook_deliveries_purge(*, now: dt.datetime | None = None, batch: int = 5000) -> int:
    """Forget finished deliveries older than WEBHOOK_LOG_DAYS (pending ones are kept)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.WEBHOOK_LOG_DAYS)
    ids = list(WebhookDelivery.objects.filter(
        status__in=[DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED], created_at__lt=cutoff,
    ).values_list("pk", flat=True)[:batch])
    WebhookDelivery.objects.filter(resent_from_id__in=ids).update(resent_from=None)
    return WebhookDelivery.objects.filter(pk__in=ids).delete()[0]
