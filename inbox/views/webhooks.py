"""Public webhook endpoints (no login, no CSRF: the platform signs what it sends)."""

from __future__ import annotations

import hmac
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from inbox.services.meta_events import meta_events_ingest
from platforms.meta import webhooks as meta
from platforms.meta.login import app_credentials

log = logging.getLogger(__name__)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def meta_webhook(request: HttpRequest) -> HttpResponse:
    """GET: Meta's subscription handshake. POST: signed change notifications."""
    if request.method == "GET":
        return _verify_subscription(request)
    body = request.body  # the raw bytes: the signature covers exactly these
    secret = app_credentials().app_secret
    signature = request.headers.get("X-Hub-Signature-256", "")
    if not meta.verify_signature(body, signature, secret):
        log.warning("meta webhook: rejected a POST with a missing or wrong signature")
        return HttpResponseForbidden("invalid signature")
    try:
        events = meta.parse_events(body)
    except meta.BadPayload:
        return HttpResponseBadRequest("not a webhook payload")
    meta_events_ingest(events)
    return HttpResponse("ok")  # answer fast: Meta retries and eventually disables slow hooks


def _verify_subscription(request: HttpRequest) -> HttpResponse:
    expected = settings.META_WEBHOOK_VERIFY_TOKEN or ""
    given = request.GET.get("hub.verify_token", "")
    if (request.GET.get("hub.mode") != "subscribe" or not expected
            or not hmac.compare_digest(expected.encode(), given.encode())):
        return HttpResponseForbidden("verification failed")
    return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
