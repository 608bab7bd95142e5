"""Threads provider: conformance, connect and token renewal, the container flow, quotas."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from django.utils import timezone

from platforms.base import PublishRequest
from platforms.errors import AuthExpired, NotSupported, RateLimited, Rejected, Transient
from platforms.threads import ThreadsProvider
from tests.platforms.conformance import Harness, ProviderConformance
from tests.platforms.threads_harness import (
    API,
    CONTAINER,
    HOST,
    MEDIA_ID,
    REPLY_ID,
    USER_ID,
    arrange_failure,
    arrange_publish,
    form_fields,
    image,
    load,
    make_account,
    video,
)

REDIRECT = "https://social.example/connect/threads/callback/"


@pytest.fixture(autouse=True)
def threads_app(settings, monkeypatch):
    monkeypatch.setenv("THREADS_CLIENT_ID", "990602627938098")
    monkeypatch.setenv("THREADS_CLIENT_SECRET", "threads-app-secret")
    settings.THREADS_API_VERSION = "v1.0"
    settings.THREADS_POLL_INTERVAL = 0
    settings.THREADS_POLL_ATTEMPTS = 3


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def posted(rsps, suffix: str) -> list:
    return [c for c in rsps.calls
            if c.request.method == "POST" and c.request.url.split("?")[0].endswith(suffix)]


class ThreadsHarness(Harness):
    RETRY_AFTER = 300

    def __init__(self, rsps):
        self.rsps = rsps
        self.provider = ThreadsProvider()

    def make_account(self):
        return make_account(self.token)

    def image(self, alt_text="A red square on white"):
        return image(alt=alt_text)

    def arrange_publish(self):
        arrange_publish(self.rsps)

    def received_alt_texts(self):
        return [form_fields(c.request).get("alt_text", "") for c in posted(self.rsps, "/threads")]

    def arrange_failure(self, kind):
        self.rsps.add("GET", f"{API}/{USER_ID}/threads_publishing_limit",
                      json=load("publishing_limit"))
        return arrange_failure(self.rsps, "POST", f"{API}/{USER_ID}/threads", kind)

    def arrange_find_published(self, *, exists):
        posts = load("user_threads")
        if exists:
            posts["data"][0]["text"] = "Lost in transit"
        self.rsps.upsert("GET", f"{API}/{USER_ID}/threads", json=posts)

    def arrange_inbox(self):
        arrange_inbox(self.rsps)

    def arrange_reply(self):
        arrange_publish(self.rsps)
        return "18070011122233344"

    def received_reply_parent(self):
        return form_fields(posted(self.rsps, "/threads")[-1].request)["reply_to_id"]

    def arrange_account_metrics(self):
        self.rsps.add("GET", f"{API}/{USER_ID}/threads_insights", json=load("user_insights"))

    def arrange_post_metrics(self):
        self.rsps.add("GET", f"{API}/{MEDIA_ID}/insights", json=load("media_insights"))
        return MEDIA_ID


def arrange_inbox(rsps):
    rsps.add("GET", f"{API}/{USER_ID}/threads", json=load("user_threads"))
    rsps.add("GET", f"{API}/{MEDIA_ID}/conversation", json=load("conversation"))
    rsps.add("GET", f"{API}/18028734561234567/conversation", json=load("conversation_empty"))


class TestThreadsConformance(ProviderConformance):
    @pytest.fixture
    def harness(self, db, rsps):
        return ThreadsHarness(rsps)


@pytest.fixture
def account(db):
    return make_account()


# --- connecting -------------------------------------------------------------------------

def test_connect_start_sends_the_threads_app_id_scopes_and_state(db):
    start = ThreadsProvider().connect_start(redirect_uri=REDIRECT)
    parts = urlsplit(start.redirect_url)
    query = parse_qs(parts.query)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://threads.com/oauth/authorize"
    assert query["client_id"] == ["990602627938098"]
    assert query["redirect_uri"] == [REDIRECT] and query["response_type"] == ["code"]
    assert query["state"] == [start.state["state"]]
    assert set(query["scope"][0].split(",")) == {
        "threads_basic", "threads_content_publish", "threads_manage_replies",
        "threads_read_replies", "threads_manage_insights", "threads_delete"}


def test_connect_start_without_an_app_says_what_to_configure(db, monkeypatch):
    monkeypatch.delenv("THREADS_CLIENT_ID")
    with pytest.raises(Rejected, match="No Threads app is configured"):
        ThreadsProvider().connect_start(redirect_uri=REDIRECT)


def _arrange_login(rsps):
    rsps.add("POST", f"{HOST}/oauth/access_token", json=load("oauth_short_lived"))
    rsps.add("GET", f"{HOST}/access_token", json=load("oauth_long_lived"))
    rsps.add("GET", f"{API}/me", json=load("me"))


def test_connect_exchanges_the_code_for_a_long_lived_token(db, rsps):
    _arrange_login(rsps)
    result = ThreadsProvider().connect_complete(
        redirect_uri=REDIRECT, state={"state": "st"}, params={"state": "st", "code": "AQBx"})
    assert result.account.external_id == USER_ID
    assert result.account.handle == "acme.gmbh" and result.account.display_name == "Acme GmbH"
    assert result.tokens.access_token == "THQVJlongLivedUserToken"
    # No separate refresh token: the long-lived token renews itself.
    assert result.tokens.refresh_token == "THQVJlongLivedUserToken"
    remaining = result.tokens.expires_at - timezone.now()
    assert dt.timedelta(days=59) < remaining < dt.timedelta(days=61)
    code_call = parse_qs(rsps.calls[0].request.body)
    assert code_call == {"client_id": ["990602627938098"], "client_secret": ["threads-app-secret"],
                         "grant_type": ["authorization_code"], "redirect_uri": [REDIRECT],
                         "code": ["AQBx"]}
    exchange = parse_qs(urlsplit(rsps.calls[1].request.url).query)
    assert exchange["grant_type"] == ["th_exchange_token"]
    assert exchange["access_token"] == ["THQVJshortLivedUserToken"]
    assert rsps.calls[2].request.headers["Authorization"] == "Bearer THQVJlongLivedUserToken"


def test_denied_consent_and_tampered_state_connect_nothing(db, rsps):
    with pytest.raises(Rejected, match="not granted"):
        ThreadsProvider().connect_complete(
            redirect_uri=REDIRECT, state={"state": "st"},
            params={"state": "st", "error": "access_denied", "error_reason": "user_denied"})
    with pytest.raises(Rejected, match="could not be verified"):
        ThreadsProvider().connect_complete(
            redirect_uri=REDIRECT, state={"state": "st"}, params={"state": "evil", "code": "c"})
    assert len(rsps.calls) == 0


def test_a_bad_code_is_rejected_with_threads_reason_and_no_secret(db, rsps):
    rsps.add("POST", f"{HOST}/oauth/access_token", json=load("error_oauth_code"), status=400)
    with pytest.raises(Rejected, match="verification code") as info:
        ThreadsProvider().connect_complete(
            redirect_uri=REDIRECT, state={"state": "st"}, params={"state": "st", "code": "old"})
    assert "threads-app-secret" not in str(info.value)


def test_refresh_renews_the_long_lived_token(account, rsps):
    rsps.add("GET", f"{HOST}/refresh_access_token", json=load("oauth_refreshed"))
    tokens = ThreadsProvider().refresh(account)
    query = parse_qs(urlsplit(rsps.calls[0].request.url).query)
    assert query == {"grant_type": ["th_refresh_token"], "access_token": ["threads-user-token"]}
    assert tokens.access_token == tokens.refresh_token == "THQVJrefreshedUserToken"
    assert tokens.expires_at > timezone.now() + dt.timedelta(days=59)


def test_an_expired_token_cannot_be_refreshed_and_needs_reconnecting(account, rsps):
    rsps.add("GET", f"{HOST}/refresh_access_token", json=load("error_190_expired"), status=400)
    with pytest.raises(AuthExpired) as info:
        ThreadsProvider().refresh(account)
    assert "threads-user-token" not in str(info.value)


def test_token_task_renews_threads_tokens_a_week_ahead(db, rsps, django_capture_on_commit_callbacks,
                                                        settings):
    from accounts.tasks import refresh_expiring_tokens

    settings.CELERY_TASK_ALWAYS_EAGER = True
    rsps.add("GET", f"{HOST}/refresh_access_token", json=load("oauth_refreshed"))
    soon = make_account()
    soon.token_expires_at = timezone.now() + dt.timedelta(days=5)
    soon.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert refresh_expiring_tokens() == 1
    soon.refresh_from_db()
    assert soon.get_access_token() == "THQVJrefreshedUserToken"
    assert soon.token_expires_at > timezone.now() + dt.timedelta(days=59)


# --- publishing -------------------------------------------------------------------------

def test_text_post_is_created_polled_and_published(account, rsps):
    arrange_publish(rsps, statuses=("status_in_progress", "status_finished"))
    post = ThreadsProvider().publish(account, PublishRequest(
        text="Neu im Shop 🎄", link="https://shop.example/winter"))
    assert post.id == MEDIA_ID
    assert post.url == "https://www.threads.com/@acme.gmbh/post/DAbCdEfGhIj"
    assert form_fields(posted(rsps, "/threads")[0].request) == {
        "media_type": "TEXT", "text": "Neu im Shop 🎄",
        "link_attachment": "https://shop.example/winter"}
    polls = [c for c in rsps.calls if c.request.url.split("?")[0].endswith(CONTAINER)]
    assert len(polls) == 2
    assert parse_qs(urlsplit(polls[0].request.url).query)["fields"] == ["status,error_message"]
    assert form_fields(posted(rsps, "/threads_publish")[0].request) == {"creation_id": CONTAINER}


def test_image_post_sends_the_public_url_and_alt_text(account, rsps):
    arrange_publish(rsps)
    ThreadsProvider().publish(account, PublishRequest(text="Winter", media=[image()]))
    assert form_fields(posted(rsps, "/threads")[0].request) == {
        "media_type": "IMAGE", "image_url": "https://media.example/square.jpg",
        "alt_text": "A red square on white", "text": "Winter"}


def test_video_post_uses_video_url(account, rsps):
    arrange_publish(rsps)
    ThreadsProvider().publish(account, PublishRequest(text="", media=[video()]))
    assert form_fields(posted(rsps, "/threads")[0].request) == {
        "media_type": "VIDEO", "video_url": "https://media.example/clip.mp4"}


def test_carousel_items_are_made_and_finished_before_the_carousel(account, rsps):
    rsps.add("GET", f"{API}/{USER_ID}/threads_publishing_limit", json=load("publishing_limit"))
    for name in ("carousel_item_1", "carousel_item_2", "container_created"):
        rsps.add("POST", f"{API}/{USER_ID}/threads", json=load(name))
    for item in ("17889615691921001", "17889615691921002", CONTAINER):
        rsps.add("GET", f"{API}/{item}", json=load("status_finished"))
    rsps.add("POST", f"{API}/{USER_ID}/threads_publish", json=load("published"))
    rsps.add("GET", f"{API}/{MEDIA_ID}", json=load("media_permalink"))
    ThreadsProvider().publish(account, PublishRequest(
        text="Zwei Bilder", media=[image("a.jpg", "Erstes"), video("b.mp4")]))
    bodies = [form_fields(c.request) for c in posted(rsps, "/threads")]
    assert bodies[0] == {"media_type": "IMAGE", "image_url": "https://media.example/a.jpg",
                         "alt_text": "Erstes", "is_carousel_item": "true"}
    assert bodies[1] == {"media_type": "VIDEO", "video_url": "https://media.example/b.mp4",
                         "is_carousel_item": "true"}
    assert bodies[2] == {"media_type": "CAROUSEL", "text": "Zwei Bilder",
                         "children": "17889615691921001,17889615691921002"}


def test_a_reply_is_a_container_with_reply_to_id(account, rsps):
    arrange_publish(rsps)
    ThreadsProvider().comment(account, PublishRequest(text="Mehr dazu im Shop.",
                                                      reply_to=MEDIA_ID))
    assert form_fields(posted(rsps, "/threads")[0].request) == {
        "media_type": "TEXT", "text": "Mehr dazu im Shop.", "reply_to_id": MEDIA_ID}


def test_container_error_is_rejected_with_the_reason_and_nothing_is_published(account, rsps):
    arrange_publish(rsps, statuses=("status_error",))
    with pytest.raises(Rejected, match="FAILED_DOWNLOADING_VIDEO"):
        ThreadsProvider().publish(account, PublishRequest(text="x", media=[video()]))
    assert not posted(rsps, "/threads_publish")


@pytest.mark.parametrize("statuses", [("status_expired",), ("status_in_progress",) * 3])
def test_expired_or_slow_container_is_transient_and_nothing_is_published(account, rsps,
                                                                        statuses):
    arrange_publish(rsps, statuses=statuses)
    with pytest.raises(Transient) as info:
        ThreadsProvider().publish(account, PublishRequest(text="x", media=[video()]))
    assert not isinstance(info.value, RateLimited)
    assert not posted(rsps, "/threads_publish")


def test_full_post_quota_waits_before_any_container(account, rsps):
    rsps.add("GET", f"{API}/{USER_ID}/threads_publishing_limit",
             json=load("publishing_limit_exhausted"))
    with pytest.raises(RateLimited, match="250 posts") as info:
        ThreadsProvider().publish(account, PublishRequest(text="x"))
    assert info.value.retry_after and info.value.retry_after > 0
    assert not posted(rsps, "/threads")


def test_replies_have_their_own_quota(account, rsps):
    arrange_publish(rsps, limit="publishing_limit_exhausted")
    with pytest.raises(RateLimited):
        ThreadsProvider().publish(account, PublishRequest(text="x"))
    rsps.replace("GET", f"{API}/{USER_ID}/threads_publishing_limit",
                 json=load("publishing_limit_exhausted"))
    assert ThreadsProvider().publish(account, PublishRequest(text="x", reply_to=MEDIA_ID)).id
    rsps.replace("GET", f"{API}/{USER_ID}/threads_publishing_limit",
                 json=load("publishing_limit_replies_exhausted"))
    with pytest.raises(RateLimited, match="1000 replies"):
        ThreadsProvider().publish(account, PublishRequest(text="x", reply_to=MEDIA_ID))


def test_media_without_a_public_address_is_refused_before_any_call(account, rsps):
    from dataclasses import replace

    with pytest.raises(Rejected, match="public address"):
        ThreadsProvider().publish(account, PublishRequest(
            text="x", media=[replace(image(), public_url="")]))
    assert len(rsps.calls) == 0


def test_limits_count_emoji_as_their_bytes(account):
    provider = ThreadsProvider()
    limits = provider.limits(account)
    assert (limits.max_chars, limits.counting, limits.max_media) == (500, "bytes_emoji", 20)
    # 496 letters and one 4-byte emoji: 500, fits; one more letter does not.
    assert not provider.validate(account, "a" * 496 + "🎄", [])
    assert "too_long" in {p.code for p in provider.validate(account, "a" * 497 + "🎄", [])}


# --- finding what went out, deleting ----------------------------------------------------

def test_a_lost_reply_is_found_under_its_own_parent(account, rsps):
    rsps.add("GET", f"{API}/{USER_ID}/replies", json=load("user_replies"))
    provider = ThreadsProvider()
    found = provider.find_comment(account, PublishRequest(text="Mehr dazu im Shop.",
                                                          reply_to=MEDIA_ID))
    assert found.id == REPLY_ID
    assert provider.find_comment(account, PublishRequest(text="Mehr dazu im Shop.",
                                                         reply_to="other")) is None


def test_a_post_without_text_cannot_be_looked_up(account):
    with pytest.raises(NotSupported):
        ThreadsProvider().find_published(account, PublishRequest(text="", media=[image()]))


def test_delete_removes_the_post_and_a_gone_post_counts_as_deleted(account, rsps):
    rsps.add("DELETE", f"{API}/{MEDIA_ID}", json=load("deleted"))
    ThreadsProvider().delete(account, MEDIA_ID)
    rsps.replace("DELETE", f"{API}/{MEDIA_ID}", json=load("error_100_33_does_not_exist"),
                 status=400)
    ThreadsProvider().delete(account, MEDIA_ID)
    assert [c.request.method for c in rsps.calls] == ["DELETE", "DELETE"]


# --- setup ------------------------------------------------------------------------------

def test_setup_help_lists_redirect_scopes_and_review(db):
    help_ = ThreadsProvider().setup_help(redirect_uri=REDIRECT)
    assert any(REDIRECT in step for step in help_.steps)
    assert "threads_content_publish" in help_.scopes and help_.review
    assert help_.env_vars == ("THREADS_CLIENT_ID", "THREADS_CLIENT_SECRET")


def test_setup_check_flags_missing_app_and_http_redirect(db, monkeypatch):
    monkeypatch.delenv("THREADS_CLIENT_ID")
    checks = ThreadsProvider().check_setup(redirect_uri="http://social.example/cb/")
    errors = [c.message for c in checks if c.level == "error"]
    assert any("No Threads app ID" in m for m in errors)
    assert any("HTTPS" in m for m in errors)


# --- inbox ------------------------------------------------------------------------------

def test_inbox_holds_replies_to_our_posts_without_our_own(account, rsps):
    arrange_inbox(rsps)
    page = ThreadsProvider().fetch_inbox(account, "")
    assert [(e.remote_id, e.kind, e.parent_remote_id, e.root_remote_id) for e in page.items] == [
        ("18070011122233344", "comment", MEDIA_ID, MEDIA_ID),
        ("18070011122233366", "reply", "18070011122233355", MEDIA_ID)]
    first = page.items[0]
    assert (first.author_handle, first.text) == ("lena.kauft", "Gibt es die Jacke auch in Grün?")
    assert first.url == "https://www.threads.com/@lena.kauft/post/DAdDeEfFgGh"
    conversation = next(c for c in rsps.calls if "/conversation" in c.request.url)
    query = parse_qs(urlsplit(conversation.request.url).query)
    assert query["reverse"] == ["false"] and "replied_to" in query["fields"][0]
    assert page.cursor == "2026-12-07T10:09:03+00:00"


def test_inbox_cursor_only_returns_newer_replies(account, rsps):
    arrange_inbox(rsps)
    page = ThreadsProvider().fetch_inbox(account, "2026-12-07T10:05:00+00:00")
    assert [e.remote_id for e in page.items] == ["18070011122233366"]
    again = ThreadsProvider().fetch_inbox(account, page.cursor)
    assert again.items == [] and again.cursor == page.cursor


def test_reply_from_the_inbox_uses_the_reply_quota_and_reply_to_id(account, rsps):
    arrange_publish(rsps, limit="publishing_limit_exhausted")  # posts full, replies free
    post = ThreadsProvider().reply(account, "18070011122233344", "Gern geschehen!")
    assert post.id == MEDIA_ID
    assert form_fields(posted(rsps, "/threads")[0].request) == {
        "media_type": "TEXT", "text": "Gern geschehen!", "reply_to_id": "18070011122233344"}


# --- insights ---------------------------------------------------------------------------

def test_post_insights_map_views_to_impressions(account, rsps):
    rsps.add("GET", f"{API}/{MEDIA_ID}/insights", json=load("media_insights"))
    [metrics] = ThreadsProvider().fetch_post_metrics(account, [MEDIA_ID])
    assert {k: (v.value, v.source_field) for k, v in metrics.values.items()} == {
        "impressions": (1834, "insights.views"), "likes": (97, "insights.likes"),
        "replies": (12, "insights.replies"), "reposts": (5, "insights.reposts"),
        "quotes": (2, "insights.quotes")}
    query = parse_qs(urlsplit(rsps.calls[0].request.url).query)
    assert query["metric"] == ["views,likes,replies,reposts,quotes"]


def test_a_post_without_insights_has_no_values_rather_than_zeros(account, rsps):
    rsps.add("GET", f"{API}/{MEDIA_ID}/insights", json=load("media_insights_repost_facade"))
    [metrics] = ThreadsProvider().fetch_post_metrics(account, [MEDIA_ID])
    assert metrics.values == {}


def test_account_insights_give_the_follower_count(account, rsps):
    rsps.add("GET", f"{API}/{USER_ID}/threads_insights", json=load("user_insights"))
    metrics = ThreadsProvider().fetch_account_metrics(account)
    assert metrics.values["followers"].value == 4211
    assert metrics.values["followers"].source_field == "insights.followers_count"


def test_missing_insights_permission_is_a_refusal_not_a_reconnect(account, rsps):
    rsps.add("GET", f"{API}/{MEDIA_ID}/insights", json=load("error_10_permission"), status=400)
    with pytest.raises(Rejected, match="permission"):
        ThreadsProvider().fetch_post_metrics(account, [MEDIA_ID])
