"""The public Meta webhook: subscription handshake, signatures, and hand-off to the inbox."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pytest
from django.urls import reverse

from platforms.meta.webhooks import parse_events, verify_signature
from tests.factories import ConnectedAccountFactory

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "meta"
SECRET = "meta-app-secret"


@pytest.fixture(autouse=True)
def meta_app(settings):
    settings.META_APP_ID = "1234567890"
    settings.META_APP_SECRET = SECRET
    settings.META_WEBHOOK_VERIFY_TOKEN = "verify-me-please"


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def body(name: str) -> bytes:
    return (FIXTURES / f"{name}.json").read_bytes()


def test_subscription_handshake_echoes_the_challenge(client, db):
    response = client.get(reverse("webhook_meta"), {
        "hub.mode": "subscribe", "hub.verify_token": "verify-me-please",
        "hub.challenge": "1158201444"})
    assert response.status_code == 200
    assert response.content == b"1158201444"


@pytest.mark.parametrize("token", ["wrong", ""])
def test_handshake_with_a_wrong_verify_token_is_refused(client, db, token):
    response = client.get(reverse("webhook_meta"), {
        "hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "1158201444"})
    assert response.status_code == 403
    assert b"1158201444" not in response.content


def test_handshake_is_refused_when_no_verify_token_is_configured(client, db, settings):
    settings.META_WEBHOOK_VERIFY_TOKEN = ""
    response = client.get(reverse("webhook_meta"), {
        "hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"})
    assert response.status_code == 403


def _post(client, payload: bytes, signature: str | None):
    headers = {"HTTP_X_HUB_SIGNATURE_256": signature} if signature is not None else {}
    return client.post(reverse("webhook_meta"), data=payload, content_type="application/json",
                       **headers)


def test_signed_instagram_comments_reach_the_inbox_of_every_org_that_connected_it(client, db):
    from inbox.models import InboxItem

    first = ConnectedAccountFactory(provider="instagram", external_id="17841405822304914")
    second = ConnectedAccountFactory(provider="instagram", external_id="17841405822304914")
    payload = body("webhook_instagram_comment")
    response = _post(client, payload, sign(payload))
    assert response.status_code == 200
    for account in (first, second):
        items = InboxItem.objects.filter(account=account).order_by("remote_id")
        assert [i.remote_id for i in items] == ["17870913679157000", "17870913679157001"]
        assert items[0].author_handle == "max.mustermann"
    # Meta retries deliveries: the same payload again stores nothing new.
    _post(client, payload, sign(payload))
    assert InboxItem.objects.filter(account=first).count() == 2


def test_page_feed_comment_is_stored_and_reactions_are_ignored(client, db):
    from inbox.models import InboxItem

    account = ConnectedAccountFactory(provider="facebook", external_id="112233445566778")
    payload = body("webhook_page_feed_comment")
    assert _post(client, payload, sign(payload)).status_code == 200
    [item] = InboxItem.objects.filter(account=account)
    assert item.remote_id == "987654321098765_111000000000003"
    assert item.text == "Wann öffnet ihr wieder?"


@pytest.mark.parametrize("signature", [None, "", "sha256=" + "0" * 64, "sha1=abc"])
def test_missing_or_wrong_signature_is_refused_and_stores_nothing(client, db, signature):
    from inbox.models import InboxItem

    ConnectedAccountFactory(provider="instagram", external_id="17841405822304914")
    response = _post(client, body("webhook_instagram_comment"), signature)
    assert response.status_code == 403
    assert InboxItem.objects.count() == 0


def test_signature_over_a_modified_body_is_refused(client, db):
    payload = body("webhook_instagram_comment")
    signature = sign(payload)
    tampered = payload.replace(b"Wo kann man das kaufen?", b"Gratis iPhone hier klicken")
    assert _post(client, tampered, signature).status_code == 403


def test_signed_garbage_is_a_bad_request_not_a_crash(client, db):
    payload = b"not json at all"
    assert _post(client, payload, sign(payload)).status_code == 400


def test_webhook_needs_no_csrf_token(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    payload = body("webhook_page_feed_comment")
    assert _post(strict, payload, sign(payload)).status_code == 200


def test_verify_signature_without_a_secret_is_false():
    assert not verify_signature(b"{}", sign(b"{}", ""), "")


def test_parse_events_keeps_comment_thread_structure():
    events = parse_events(body("webhook_instagram_comment"))
    reply = events[1].entry
    assert reply.kind == "reply" and reply.parent_remote_id == "17870913679157000"
    assert reply.root_remote_id == "17920238422030506"
    assert reply.created_at.tzinfo is not None
