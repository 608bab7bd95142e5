"""Outgoing webhooks: signed deliveries, retries with backoff, SSRF refusals, re-sends, and
the events emitted by the content and inbox services."""

import datetime as dt
import json
import socket

import pytest
import responses
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.roles import Role
from accounts.services.errors import ServiceError
from api.models import DeliveryStatus, WebhookDelivery
from api.services.webhooks import (
    backoff,
    webhook_deliveries_due,
    webhook_delivery_attempt,
    webhook_delivery_resend,
    webhook_endpoint_create,
)
from api.signing import SIGNATURE_HEADER, sign, verify
from api.webhooks import emit
from content.services.posts import PostData, post_create
from content.services.transitions import target_transition
from content.services.workflow import post_submit
from inbox.services import inbox_ingest_entries
from tests.factories import MembershipFactory
from tests.inbox.factories import entry

HOOK = "https://hooks.example.com/socialmgr"
PUBLIC_IP = "93.184.215.14"


@pytest.fixture(autouse=True)
def public_dns(monkeypatch):
    """hooks.example.com resolves to a public address; *.internal to a private one."""
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        if host == "hooks.example.com":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC_IP, port or 443))]
        if host.endswith(".internal"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port or 443))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)


@pytest.fixture
def endpoint(org, owner):
    endpoint, secret = webhook_endpoint_create(
        organization=org, actor=owner, url=HOOK,
        events=["post.published", "post.failed", "inbox.item_received", "approval.requested"])
    endpoint.plain_secret = secret
    return endpoint


def _deliver_now(django_capture_on_commit_callbacks, fn):
    with django_capture_on_commit_callbacks(execute=True):
        fn()


@responses.activate
def test_delivery_is_signed_and_logged(org, endpoint, django_capture_on_commit_callbacks):
    responses.post(HOOK, json={"ok": True}, status=200)
    _deliver_now(django_capture_on_commit_callbacks,
                 lambda: emit(org, "approval.requested", {"post": {"id": 1}}))
    call = responses.calls[0].request
    body = call.body if isinstance(call.body, bytes) else call.body.encode()
    assert verify(endpoint.plain_secret, body, call.headers[SIGNATURE_HEADER])
    assert not verify("whsec_wrong", body, call.headers[SIGNATURE_HEADER])
    assert not verify(endpoint.plain_secret, body + b" ", call.headers[SIGNATURE_HEADER])
    payload = json.loads(body)
    assert payload["event"] == "approval.requested" and payload["data"] == {"post": {"id": 1}}
    assert call.headers["X-Socialmgr-Event"] == "approval.requested"
    delivery = WebhookDelivery.objects.get()
    assert call.headers["X-Socialmgr-Delivery"] == str(delivery.uid)
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.response_code == 200
    assert delivery.attempts == 1 and delivery.duration_ms is not None


def test_signature_rejects_old_timestamps():
    body = b'{"a":1}'
    header = sign("whsec_x", body, timestamp=1_000_000)
    assert verify("whsec_x", body, header, now=1_000_100)
    assert not verify("whsec_x", body, header, now=1_000_000 + 301)
    assert not verify("whsec_x", body, "garbage")


@responses.activate
def test_failed_delivery_is_retried_with_backoff_until_it_succeeds(
        org, endpoint, django_capture_on_commit_callbacks):
    responses.post(HOOK, status=503, body="down")
    _deliver_now(django_capture_on_commit_callbacks,
                 lambda: emit(org, "post.failed", {"post": {"id": 2}}))
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert delivery.response_code == 503 and delivery.response_body == "down"
    wait = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
    assert 24 <= wait <= 36
    # Not due yet: the dispatcher leaves it alone.
    assert webhook_deliveries_due() == []
    later = delivery.next_attempt_at + dt.timedelta(seconds=1)
    assert webhook_deliveries_due(now=later) == [delivery.pk]
    assert webhook_delivery_attempt(delivery_id=delivery.pk, now=later) == "pending"
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert (delivery.next_attempt_at - later).total_seconds() >= 48  # doubled
    responses.replace(responses.POST, HOOK, status=204)
    much_later = delivery.next_attempt_at + dt.timedelta(seconds=1)
    assert webhook_delivery_attempt(delivery_id=delivery.pk, now=much_later) == "succeeded"
    # Same signed event id on every attempt.
    ids = {json.loads(c.request.body)["id"] for c in responses.calls}
    assert len(ids) == 1 and len(responses.calls) == 3


@responses.activate
def test_delivery_fails_after_max_attempts(org, endpoint, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    responses.post(HOOK, status=500)
    delivery = WebhookDelivery.objects.create(
        organization=org, endpoint=endpoint, event="post.failed",
        event_id="00000000-0000-0000-0000-000000000001", payload={},
        next_attempt_at=timezone.now())
    assert webhook_delivery_attempt(delivery_id=delivery.pk) == "pending"
    assert webhook_delivery_attempt(
        delivery_id=delivery.pk, now=timezone.now() + dt.timedelta(hours=1)) == "failed"


def test_backoff_grows_and_is_capped():
    assert backoff(1).total_seconds() <= 36 and backoff(3).total_seconds() >= 96
    assert backoff(30).total_seconds() <= 6 * 3600 * 1.2


@responses.activate
def test_redirects_are_not_followed(org, endpoint):
    responses.post(HOOK, status=302, headers={"Location": "http://10.0.0.1/"})
    delivery = WebhookDelivery.objects.create(
        organization=org, endpoint=endpoint, event="post.failed",
        event_id="00000000-0000-0000-0000-000000000002", payload={},
        next_attempt_at=timezone.now())
    assert webhook_delivery_attempt(delivery_id=delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert delivery.response_code == 302 and "Redirect" in delivery.error
    assert len(responses.calls) == 1


@pytest.mark.parametrize("url", ["http://10.1.2.3/hook", "http://169.254.169.254/latest",
                                 "http://api.internal/hook", "ftp://hooks.example.com/",
                                 "http://[::1]/hook"])
def test_private_urls_are_refused_at_registration(org, owner, url, settings):
    settings.SSRF_ALLOW_LOOPBACK = False
    with pytest.raises(ServiceError) as refused:
        webhook_endpoint_create(organization=org, actor=owner, url=url,
                                events=["post.published"])
    assert refused.value.code == "unsafe_url"


@responses.activate
def test_url_that_turns_private_is_refused_at_delivery(org, endpoint, monkeypatch):
    responses.post(HOOK, status=200)
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 443))])
    delivery = WebhookDelivery.objects.create(
        organization=org, endpoint=endpoint, event="post.failed",
        event_id="00000000-0000-0000-0000-000000000003", payload={},
        next_attempt_at=timezone.now())
    webhook_delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.response_code is None
    assert "public" in delivery.error
    assert len(responses.calls) == 0


@responses.activate
def test_resend_creates_a_new_delivery_of_the_same_event(org, owner, endpoint,
                                                         django_capture_on_commit_callbacks):
    responses.post(HOOK, status=200)
    original = WebhookDelivery.objects.create(
        organization=org, endpoint=endpoint, event="post.published",
        event_id="00000000-0000-0000-0000-000000000004", payload={"id": "x"},
        status=DeliveryStatus.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        copy = webhook_delivery_resend(delivery=original, actor=owner)
    copy.refresh_from_db()
    original.refresh_from_db()
    assert copy.status == DeliveryStatus.SUCCEEDED and copy.event_id == original.event_id
    assert copy.resent_from == original
    assert AuditEntry.objects.filter(verb="api.webhook.resent").exists()


def test_endpoints_only_get_their_events_and_their_org(org, other_org, owner, outsider,
                                                       django_capture_on_commit_callbacks):
    mine, _secret = webhook_endpoint_create(organization=org, actor=owner, url=HOOK,
                                            events=["post.published"])
    webhook_endpoint_create(organization=other_org, actor=outsider, url=HOOK,
                            events=["post.published", "post.failed"])
    with responses.RequestsMock() as mock:
        mock.post(HOOK, status=200)
        _deliver_now(django_capture_on_commit_callbacks,
                     lambda: emit(org, "post.failed", {}))
        _deliver_now(django_capture_on_commit_callbacks,
                     lambda: emit(org, "post.published", {}))
    assert list(WebhookDelivery.objects.values_list("endpoint", "event")) == [
        (mine.pk, "post.published")]


def test_nothing_is_sent_when_the_transaction_rolls_back(org, endpoint):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        emit(org, "post.failed", {})
        raise RuntimeError
    assert not WebhookDelivery.objects.exists()


# --- events emitted by the services -------------------------------------------------------

@responses.activate
def test_submitting_a_post_emits_approval_requested(settings, org, account, endpoint,
                                                    django_capture_on_commit_callbacks):
    responses.add_passthru(settings.SANDBOX_URL)  # the sandbox platform is real
    responses.post(HOOK, status=200)
    editor = MembershipFactory(organization=org, role=Role.EDITOR).user
    post = post_create(organization=org, actor=editor,
                       data=PostData(text="Hi", account_ids=[account.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        post_submit(post=post, actor=editor)
    payload = json.loads(responses.calls[0].request.body)
    assert payload["event"] == "approval.requested"
    assert payload["data"]["post"]["id"] == post.pk
    assert payload["data"]["requested_by"] == editor.pk


@responses.activate
def test_target_published_and_failed_emit_events(settings, org, account, endpoint,
                                                 django_capture_on_commit_callbacks):
    responses.add_passthru(settings.SANDBOX_URL)  # the sandbox platform is real
    responses.post(HOOK, status=200)
    editor = MembershipFactory(organization=org, role=Role.EDITOR).user
    post = post_create(organization=org, actor=editor,
                       data=PostData(text="Hi", account_ids=[account.pk]))
    target = post.targets.get()
    with django_capture_on_commit_callbacks(execute=True):
        target_transition(target, "scheduled", next_attempt_at=timezone.now())
        target_transition(target, "publishing")
        target_transition(target, "published", remote_id="123",
                          remote_url="https://sandbox.example/p/123",
                          published_at=timezone.now())
    events = [json.loads(c.request.body) for c in responses.calls]
    assert [e["event"] for e in events] == ["post.published"]
    assert events[0]["data"]["target"]["remote_url"] == "https://sandbox.example/p/123"


@responses.activate
def test_new_inbox_items_emit_item_received_once(settings, org, account, endpoint,
                                                 django_capture_on_commit_callbacks):
    responses.add_passthru(settings.SANDBOX_URL)  # the sandbox platform is real
    responses.post(HOOK, status=200)
    with django_capture_on_commit_callbacks(execute=True):
        inbox_ingest_entries(account, [entry("c1", "first"), entry("c2", "second")])
    with django_capture_on_commit_callbacks(execute=True):
        inbox_ingest_entries(account, [entry("c1", "first, edited")])  # not new
    events = [json.loads(c.request.body) for c in responses.calls]
    assert sorted(e["data"]["item"]["remote_id"] for e in events) == ["c1", "c2"]
    assert {e["event"] for e in events} == {"inbox.item_received"}


def test_old_finished_deliveries_are_purged(org, endpoint):
    from api.services.webhooks import webhook_deliveries_purge

    def make(status, days_old):
        delivery = WebhookDelivery.objects.create(
            organization=org, endpoint=endpoint, event="post.failed",
            event_id="00000000-0000-0000-0000-0000000000ff", payload={}, status=status)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            created_at=timezone.now() - dt.timedelta(days=days_old))
        return delivery

    old_done, old_failed = make("succeeded", 40), make("failed", 40)
    old_pending, recent = make("pending", 40), make("succeeded", 2)
    assert webhook_deliveries_purge() == 2
    left = set(WebhookDelivery.objects.values_list("pk", flat=True))
    assert left == {old_pending.pk, recent.pk}
    assert old_done.pk not in left and old_failed.pk not in left
