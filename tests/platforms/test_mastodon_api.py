"""Mastodon API behaviour beyond the conformance suite: limits, media, idempotency, inbox."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import responses

from platforms.base import PublishRequest
from platforms.errors import AuthExpired, RateLimited, Rejected, Transient
from platforms.mastodon import MastodonProvider
from tests.platforms import mastodon_fake as fake
from tests.platforms.conformance import Harness

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mastodon_settings(settings):
    settings.SSRF_ALLOW_LOOPBACK = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "mastodon-api-tests"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def provider():
    p = MastodonProvider()
    p.media_poll_interval = 0
    return p


def test_limits_come_from_the_v2_instance_configuration(rsps, provider):
    fake.add_instance(rsps)
    limits = provider.limits(fake.make_account())
    assert (limits.max_chars, limits.url_length, limits.max_media) == (1000, 23, 4)
    assert limits.max_image_bytes == 16777216 and limits.max_video_bytes == 103809024
    assert "image/avif" in limits.media_types and limits.video_allowed
    assert limits.counting == "mastodon"


def test_gotosocial_limits_and_v1_defaults(rsps, provider):
    rsps.add(responses.GET, f"{fake.BASE}/api/v2/instance",
             json=fake.fixture("instance_v2_gotosocial"))
    limits = provider.limits(fake.make_account(software="gotosocial"))
    assert (limits.max_chars, limits.max_media, limits.url_length) == (5000, 6, 25)
    rsps.replace(responses.GET, f"{fake.BASE}/api/v2/instance", status=503)
    from django.core.cache import cache

    cache.clear()
    old = provider.limits(fake.make_account(external_id="other"))
    assert (old.max_chars, old.max_media) == (500, 4)  # server down, no snapshot: defaults


def test_validate_counts_urls_and_remote_mentions_like_mastodon(rsps, provider):
    rsps.add(responses.GET, f"{fake.BASE}/api/v2/instance",
             json={**fake.fixture("instance_v2"), "configuration": {
                 "statuses": {"max_characters": 40, "characters_reserved_per_url": 23}}})
    account = fake.make_account()
    # 23 for the URL + 1 space + "@jo" (3) + 1 space + "hi" (2) = 30
    text = "https://example.com/a/very/long/path/that/is/longer/than/forty @jo@other.example hi"
    assert provider.validate(account, text, []) == []
    assert "too_long" in {p.code for p in provider.validate(account, "x" * 41, [])}


def test_async_media_is_polled_until_processed(rsps, provider):
    account = fake.make_account()
    rsps.add(responses.POST, f"{fake.BASE}/api/v2/media", status=202,
             json=fake.fixture("media_processing"))
    media_url = f"{fake.BASE}/api/v1/media/113543386700000001"
    rsps.add(responses.GET, media_url, status=206, json=fake.fixture("media_processing"))
    rsps.add(responses.GET, media_url, status=200, json=fake.fixture("media_processed"))
    fake.add_status_created(rsps)
    post = provider.publish(account, PublishRequest(text="Sale", media=[Harness().image()],
                                                    idempotency_key="k1"))
    assert post.id == "113543386754987654"
    assert len([c for c in rsps.calls if c.request.url == media_url]) == 2
    status_call = rsps.calls[-1]
    assert fake.sent_json(status_call)["media_ids"] == ["113543386700000001"]


def test_media_that_never_finishes_is_transient(rsps, provider):
    provider.media_poll_attempts = 3
    rsps.add(responses.POST, f"{fake.BASE}/api/v2/media", status=202,
             json=fake.fixture("media_processing"))
    rsps.add(responses.GET, f"{fake.BASE}/api/v1/media/113543386700000001", status=206,
             json=fake.fixture("media_processing"))
    with pytest.raises(Transient):
        provider.publish(fake.make_account(), PublishRequest(
            text="x", media=[Harness().image()], idempotency_key="k2"))
    assert not any(c.request.url.endswith("/api/v1/statuses") for c in rsps.calls)


def test_idempotency_key_is_stable_and_skipped_for_takahe(rsps, provider):
    fake.add_status_created(rsps)
    account = fake.make_account()
    request = PublishRequest(text="Hello", idempotency_key="target-7")
    provider.publish(account, request)
    provider.publish(account, request)
    keys = [c.request.headers.get("Idempotency-Key") for c in rsps.calls]
    assert keys[0] and keys[0] == keys[1]
    takahe = fake.make_account(software="takahe", external_id="t@takahe.example")
    provider.publish(takahe, request)
    assert "Idempotency-Key" not in rsps.calls[-1].request.headers


@pytest.mark.parametrize(("status", "body", "error"), [
    (403, {"error": "The access token is invalid"}, AuthExpired),
    (401, {"error": "The access token was revoked"}, AuthExpired),
    (400, {"error": "invalid_token", "error_description": "The access token expired"},
     AuthExpired),
    # a valid token that may not do this: reconnecting would not help, the reason is shown
    (403, {"error": "This action is outside the authorized scopes"}, Rejected),
    (403, {"error": "This action is not allowed"}, Rejected),
    (422, {"error": "Validation failed: Text character limit of 500 exceeded"}, Rejected),
    (400, "Status is too long", Rejected),  # Takahē
    (500, {"error": "We're sorry, but something went wrong on our end."}, Transient),
])
def test_error_shapes_map_to_typed_errors(rsps, provider, status, body, error):
    kwargs = {"json": body} if isinstance(body, dict) else {"body": body}
    rsps.add(responses.POST, f"{fake.BASE}/api/v1/statuses", status=status, **kwargs)
    with pytest.raises(error) as info:
        provider.publish(fake.make_account(), PublishRequest(text="x", idempotency_key="e"))
    if error is Rejected:
        assert (body["error"] if isinstance(body, dict) else body) in info.value.reason


def test_a_400_html_invalid_bearer_token_page_is_auth_expired_in_its_own_words(rsps, provider):
    """Some Mastodon-API servers answer a dead token with `400 text/html`."""
    fake.add_invalid_bearer_token(rsps, responses.POST, "/api/v1/statuses")
    with pytest.raises(AuthExpired) as info:
        provider.publish(fake.make_account(), PublishRequest(text="x", idempotency_key="h"))
    assert "Invalid Bearer token" in info.value.message
    assert "[redacted]" not in info.value.message and "<" not in info.value.message


def test_rate_limit_reads_the_iso_reset_header(rsps, provider):
    reset = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)).strftime(
        "%Y-%m-%dT%H:%M:%S.%fZ")
    rsps.add(responses.POST, f"{fake.BASE}/api/v1/statuses", status=429,
             json=fake.fixture("error_rate_limited"), headers={"X-RateLimit-Reset": reset})
    with pytest.raises(RateLimited) as info:
        provider.publish(fake.make_account(), PublishRequest(text="x", idempotency_key="r"))
    assert info.value.retry_after == pytest.approx(300, abs=3)


def test_inbox_classifies_replies_converts_html_and_follows_the_link_cursor(rsps, provider):
    rsps.add(responses.GET, f"{fake.BASE}/api/v1/notifications",
             json=fake.fixture("notifications_mentions"),
             headers={"Link": f'<{fake.BASE}/api/v1/notifications?max_id=34975799>; rel="next", '
                              f'<{fake.BASE}/api/v1/notifications?min_id=34975861>; rel="prev"'})
    page = provider.fetch_inbox(fake.make_account(), "34975000")
    request = rsps.calls[0].request
    assert "min_id=34975000" in request.url and "types%5B%5D=mention" in request.url
    assert page.cursor == "34975861"
    older, newer = page.items  # oldest first
    assert older.kind == "mention" and newer.kind == "reply"
    assert newer.parent_remote_id == "113543386754987654"
    assert newer.author_handle == "@jo@other.example"
    assert newer.text == "@acme Does the sale include & cover ladders?\nAsking for a friend <3"
    assert "alert" not in newer.text and "<b>" not in newer.text


def test_post_metrics_have_no_impressions(rsps, provider):
    status = fake.fixture("account_statuses")[0]
    rsps.add(responses.GET, f"{fake.BASE}/api/v1/statuses/{status['id']}", json=status)
    rsps.add(responses.GET, f"{fake.BASE}/api/v1/statuses/gone", status=404,
             json=fake.fixture("error_record_not_found"))
    [metrics] = provider.fetch_post_metrics(fake.make_account(), [status["id"], "gone"])
    assert metrics.values["likes"].value == 41 and metrics.values["reposts"].value == 12
    assert "impressions" not in metrics.values


def test_reply_mentions_the_author_and_keeps_private_visibility(rsps, provider):
    parent = {**fake.fixture("notifications_mentions")[0]["status"], "visibility": "private"}
    rsps.add(responses.GET, f"{fake.BASE}/api/v1/statuses/{parent['id']}", json=parent)
    fake.add_status_created(rsps)
    provider.reply(fake.make_account(), parent["id"], "Yes, ladders too!")
    sent = fake.sent_json(rsps.calls[-1])
    assert sent["status"] == "@jo@other.example Yes, ladders too!"
    assert sent["visibility"] == "private" and sent["in_reply_to_id"] == parent["id"]


def test_tokens_never_reach_logs_or_errors(rsps, provider, caplog):
    rsps.add(responses.POST, f"{fake.BASE}/api/v1/statuses", status=401,
             json={"error": f"The access token is invalid ({fake.TOKEN})"})
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthExpired) as info:
        provider.publish(fake.make_account(), PublishRequest(text="x", idempotency_key="l"))
    assert fake.TOKEN not in caplog.text and fake.TOKEN not in str(info.value)


@pytest.mark.parametrize("answer", [
    {"json": {"error": "This action is outside the authorized scopes"}, "status": 200},
    {"body": "<html>Maintenance</html>", "status": 200, "content_type": "text/html"},
    {"body": "", "status": 204},
])
def test_find_published_on_an_odd_answer_is_transient_not_unpublished(rsps, provider, answer):
    """Reconciling must never read "not sure" as "not published" (that would post twice)."""
    rsps.add(responses.GET, f"{fake.BASE}/api/v1/accounts/{fake.ACCOUNT_ID}/statuses", **answer)
    with pytest.raises(Transient):
        provider.find_published(fake.make_account(), PublishRequest(text="Hello",
                                                                    idempotency_key="k"))


def test_find_published_without_the_account_id_asks_to_reconnect(rsps, provider):
    account = fake.make_account()
    account.settings.pop("account_id")
    with pytest.raises(Rejected, match="reconnect"):
        provider.find_published(account, PublishRequest(text="Hello", idempotency_key="k"))
    assert not rsps.calls


@pytest.mark.parametrize(("fixture", "mention"), [
    ("notifications_mentions", "@jo@other.example"),  # someone on another server
    ("status_local_author", "@bob"),  # a neighbour on our server, as Mastodon reports it
    ("status_local_author_qualified", "@bob@social.example"),  # as other servers report it
])
def test_a_reply_mentions_its_author_wherever_they_are(rsps, provider, fixture, mention):
    parent = fake.fixture(fixture)
    parent = parent[0]["status"] if isinstance(parent, list) else parent
    rsps.add(responses.GET, f"{fake.BASE}/api/v1/statuses/{parent['id']}", json=parent)
    fake.add_status_created(rsps)
    provider.reply(fake.make_account(), parent["id"], "Yes, we are!")
    assert fake.sent_json(rsps.calls[-1])["status"] == f"{mention} Yes, we are!"


def test_a_reply_to_our_own_status_mentions_no_one(rsps, provider):
    parent = fake.fixture("status_own")
    rsps.add(responses.GET, f"{fake.BASE}/api/v1/statuses/{parent['id']}", json=parent)
    fake.add_status_created(rsps)
    provider.reply(fake.make_account(), parent["id"], "Also in blue.")
    assert fake.sent_json(rsps.calls[-1])["status"] == "Also in blue."


def test_a_mention_already_in_the_text_is_not_added_again_but_a_lookalike_is(rsps, provider):
    parent = fake.fixture("status_local_author")
    rsps.add(responses.GET, f"{fake.BASE}/api/v1/statuses/{parent['id']}", json=parent)
    fake.add_status_created(rsps)
    fake.add_status_created(rsps)
    provider.reply(fake.make_account(), parent["id"], "Thanks @Bob, see you!")
    provider.reply(fake.make_account(), parent["id"], "Thanks @bobby!")
    sent = [fake.sent_json(c)["status"] for c in rsps.calls if c.request.method == "POST"]
    assert sent == ["Thanks @Bob, see you!", "@bob Thanks @bobby!"]
