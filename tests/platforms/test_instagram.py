"""Instagram provider: conformance, the container → status → publish flow, quota, media URLs."""

from __future__ import annotations

import io

import pytest
import responses

from platforms.base import MediaFile, PublishRequest
from platforms.errors import AuthExpired, RateLimited, Rejected, Transient
from platforms.meta import InstagramProvider
from tests.platforms.conformance import Harness, ProviderConformance, png_bytes
from tests.platforms.meta_harness import (
    IG_ID,
    G,
    arrange_failure,
    form_fields,
    load,
    make_account,
)

CONTAINER = "17889455560051444"
MEDIA_ID = "17920238422030506"


@pytest.fixture(autouse=True)
def meta_app(settings):
    settings.META_APP_ID = "1234567890"
    settings.META_APP_SECRET = "meta-app-secret"
    settings.META_GRAPH_VERSION = "v23.0"
    settings.INSTAGRAM_POLL_INTERVAL = 0
    settings.INSTAGRAM_POLL_ATTEMPTS = 3


def image(name="square.jpg", alt="A red square on white"):
    data = png_bytes()
    return MediaFile(filename=name, content_type="image/jpeg", size=len(data), alt_text=alt,
                     open=lambda: io.BytesIO(data), public_url=f"https://media.example/{name}")


def arrange_publish(rsps, statuses=("ig_status_finished",)):
    rsps.add("GET", f"{G}/{IG_ID}/content_publishing_limit", json=load("ig_publishing_limit"))
    rsps.add("POST", f"{G}/{IG_ID}/media", json=load("ig_container_created"))
    for status in statuses:
        rsps.add("GET", f"{G}/{CONTAINER}", json=load(status))
    rsps.add("POST", f"{G}/{IG_ID}/media_publish", json=load("ig_media_published"))
    rsps.add("GET", f"{G}/{MEDIA_ID}", json=load("ig_media_permalink"))


class InstagramHarness(Harness):
    RETRY_AFTER = 300

    def __init__(self, rsps):
        self.rsps = rsps
        self.provider = InstagramProvider()

    def make_account(self):
        return make_account("instagram", IG_ID, self.token, handle="acme.gmbh",
                            settings={"username": "acme.gmbh", "page_id": "112233445566778"})

    def image(self, alt_text="A red square on white"):
        return image(alt=alt_text)

    def arrange_publish(self):
        arrange_publish(self.rsps)

    def received_alt_texts(self):
        return [form_fields(c.request).get("alt_text", "") for c in self.rsps.calls
                if c.request.method == "POST" and c.request.url.split("?")[0].endswith("/media")]

    def arrange_failure(self, kind):
        self.rsps.add("GET", f"{G}/{IG_ID}/content_publishing_limit",
                      json=load("ig_publishing_limit"))
        return arrange_failure(self.rsps, "POST", f"{G}/{IG_ID}/media", kind)

    def arrange_find_published(self, *, exists):
        media = load("ig_user_media")
        if exists:
            media["data"][0]["caption"] = "Lost in transit"
        self.rsps.upsert("GET", f"{G}/{IG_ID}/media", json=media)

    def arrange_inbox(self):
        self.rsps.add("GET", f"{G}/{IG_ID}/media", json=load("ig_user_media"))

    def arrange_reply(self):
        self.rsps.add("POST", f"{G}/17870913679156914/replies", json=load("ig_reply_created"))
        return "17870913679156914"

    def received_reply_parent(self):
        return self.rsps.calls[-1].request.url.split("/v23.0/")[1].split("/replies")[0]

    def arrange_account_metrics(self):
        self.rsps.add("GET", f"{G}/{IG_ID}", json=load("ig_user"))

    def arrange_post_metrics(self):
        self.rsps.add("GET", f"{G}/{MEDIA_ID}", json=load("ig_media_fields"))
        self.rsps.add("GET", f"{G}/{MEDIA_ID}/insights", json=load("ig_media_insights"))
        return MEDIA_ID


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


class TestInstagramConformance(ProviderConformance):
    """Instagram has no text-only posts, so the publishing scenarios carry one image."""

    @pytest.fixture
    def harness(self, db, rsps):
        return InstagramHarness(rsps)

    @staticmethod
    def _request(text="x", key="c"):
        return PublishRequest(text=text, media=[image()], idempotency_key=key)

    def test_publish_returns_remote_post_with_id_and_url(self, harness, account):
        harness.arrange_publish()
        post = harness.provider.publish(account, self._request("Hello"))
        assert post.id == MEDIA_ID
        assert post.url == "https://www.instagram.com/p/CxYz12AbCdE/"

    def _publish_fails(self, harness, account, error):
        with pytest.raises(error) as info:
            harness.provider.publish(account, self._request())
        self._assert_no_token(harness, info.value)
        return info.value

    def test_expired_token_raises_auth_expired(self, harness, account):
        harness.arrange_failure("auth_expired")
        self._publish_fails(harness, account, AuthExpired)

    def test_rate_limit_raises_rate_limited_with_retry_after(self, harness, account):
        harness.arrange_failure("rate_limited")
        error = self._publish_fails(harness, account, RateLimited)
        assert error.retry_after == pytest.approx(harness.RETRY_AFTER, abs=2)

    def test_server_error_raises_transient(self, harness, account):
        harness.arrange_failure("server_error")
        assert not isinstance(self._publish_fails(harness, account, Transient), RateLimited)

    def test_rejection_raises_rejected_with_platform_reason(self, harness, account):
        reason = harness.arrange_failure("rejected")
        assert reason in self._publish_fails(harness, account, Rejected).reason

    def test_malformed_answer_is_a_typed_error(self, harness, account):
        harness.arrange_failure("malformed")
        self._publish_fails(harness, account, (Transient, Rejected))


@pytest.fixture
def account(db):
    return make_account("instagram", IG_ID, "page-token-ig", handle="acme.gmbh",
                        settings={"username": "acme.gmbh"})


def test_container_is_polled_until_finished_then_published(account, rsps):
    arrange_publish(rsps, statuses=("ig_status_in_progress", "ig_status_in_progress",
                                    "ig_status_finished"))
    post = InstagramProvider().publish(account, PublishRequest(text="Neu", media=[image()]))
    assert post.id == MEDIA_ID
    polls = [c for c in rsps.calls if c.request.url.split("?")[0].endswith(CONTAINER)]
    assert len(polls) == 3
    publish = next(c for c in rsps.calls if "media_publish" in c.request.url)
    assert form_fields(publish.request) == {"creation_id": CONTAINER}
    container = form_fields(rsps.calls[1].request)
    assert container == {"image_url": "https://media.example/square.jpg", "caption": "Neu",
                         "alt_text": "A red square on white"}


def test_container_error_is_rejected_with_metas_status_and_nothing_is_published(account, rsps):
    arrange_publish(rsps, statuses=("ig_status_error",))
    with pytest.raises(Rejected, match="2207026"):
        InstagramProvider().publish(account, PublishRequest(text="x", media=[image()]))
    assert not any("media_publish" in c.request.url for c in rsps.calls)


def test_expired_container_is_transient_and_nothing_is_published(account, rsps):
    arrange_publish(rsps, statuses=("ig_status_expired",))
    with pytest.raises(Transient) as info:
        InstagramProvider().publish(account, PublishRequest(text="x", media=[image()]))
    assert not isinstance(info.value, RateLimited)
    assert not any("media_publish" in c.request.url for c in rsps.calls)


def test_container_still_processing_after_all_polls_is_transient(account, rsps):
    arrange_publish(rsps, statuses=("ig_status_in_progress",) * 3)
    with pytest.raises(Transient, match="still processing"):
        InstagramProvider().publish(account, PublishRequest(text="x", media=[image()]))
    assert not any("media_publish" in c.request.url for c in rsps.calls)


def test_exhausted_publishing_quota_is_rate_limited_before_any_container(account, rsps):
    rsps.add("GET", f"{G}/{IG_ID}/content_publishing_limit",
             json=load("ig_publishing_limit_exhausted"))
    with pytest.raises(RateLimited) as info:
        InstagramProvider().publish(account, PublishRequest(text="x", media=[image()]))
    assert info.value.retry_after and info.value.retry_after > 0
    assert len(rsps.calls) == 1


def test_publish_limit_error_from_meta_is_rate_limited(account, rsps):
    rsps.add("GET", f"{G}/{IG_ID}/content_publishing_limit", json=load("ig_publishing_limit"))
    rsps.add("POST", f"{G}/{IG_ID}/media", json=load("ig_error_publish_limit"), status=400)
    with pytest.raises(RateLimited):
        InstagramProvider().publish(account, PublishRequest(text="x", media=[image()]))


def test_unfetchable_image_is_rejected_with_metas_explanation(account, rsps):
    rsps.add("GET", f"{G}/{IG_ID}/content_publishing_limit", json=load("ig_publishing_limit"))
    rsps.add("POST", f"{G}/{IG_ID}/media", json=load("ig_error_media_download"), status=400)
    with pytest.raises(Rejected, match="could not be fetched"):
        InstagramProvider().publish(account, PublishRequest(text="x", media=[image()]))


def test_media_without_a_public_url_is_refused_before_calling_meta(account, rsps):
    private = MediaFile(filename="a.jpg", content_type="image/jpeg", size=10, alt_text="")
    with pytest.raises(Rejected, match="public address"):
        InstagramProvider().publish(account, PublishRequest(text="x", media=[private]))
    assert len(rsps.calls) == 0


def test_several_images_become_a_carousel(account, rsps):
    rsps.add("GET", f"{G}/{IG_ID}/content_publishing_limit", json=load("ig_publishing_limit"))
    rsps.add("POST", f"{G}/{IG_ID}/media", json=load("ig_child_1"))
    rsps.add("POST", f"{G}/{IG_ID}/media", json=load("ig_child_2"))
    rsps.add("POST", f"{G}/{IG_ID}/media", json=load("ig_carousel_created"))
    for container in ("17889455560051501", "17889455560051502", "17889455560051600"):
        rsps.add("GET", f"{G}/{container}", json=load("ig_status_finished"))
    rsps.add("POST", f"{G}/{IG_ID}/media_publish", json=load("ig_media_published"))
    rsps.add("GET", f"{G}/{MEDIA_ID}", json=load("ig_media_permalink"))
    InstagramProvider().publish(account, PublishRequest(
        text="Karussell", media=[image("a.jpg", "Eins"), image("b.jpg", "Zwei")]))
    created = [form_fields(c.request) for c in rsps.calls
               if c.request.method == "POST" and c.request.url.split("?")[0].endswith("/media")]
    assert created[0]["is_carousel_item"] == "true" and created[0]["alt_text"] == "Eins"
    assert created[2] == {"media_type": "CAROUSEL",
                          "children": "17889455560051501,17889455560051502",
                          "caption": "Karussell"}
    publish = next(c for c in rsps.calls if "media_publish" in c.request.url)
    assert form_fields(publish.request) == {"creation_id": "17889455560051600"}


def test_validate_wants_an_image_and_at_most_30_hashtags(account):
    text = " ".join(f"#tag{i}" for i in range(31))
    codes = {p.code for p in InstagramProvider().validate(account, text, [])}
    assert {"media_required", "too_many_hashtags"} <= codes
    assert InstagramProvider().validate(account, "#one #two", [image()]) == []


def test_inbox_has_comments_and_replies_but_not_our_own(account, rsps):
    rsps.add("GET", f"{G}/{IG_ID}/media", json=load("ig_user_media"))
    page = InstagramProvider().fetch_inbox(account, "")
    assert [e.remote_id for e in page.items] == ["17870913679156914"]
    assert page.items[0].author_handle == "lena.k"
    assert page.items[0].root_remote_id == MEDIA_ID


def test_insights_missing_for_few_viewers_are_absent_not_zero(account, rsps):
    rsps.add("GET", f"{G}/{MEDIA_ID}", json=load("ig_media_fields"))
    rsps.add("GET", f"{G}/{MEDIA_ID}/insights", json=load("ig_insights_not_enough_viewers"),
             status=400)
    [metrics] = InstagramProvider().fetch_post_metrics(account, [MEDIA_ID])
    assert metrics.values["likes"].value == 57
    assert "reach" not in metrics.values


def test_connect_offers_the_instagram_accounts_linked_to_pages(db, rsps):
    rsps.add("GET", f"{G}/oauth/access_token", json=load("oauth_token"))
    rsps.add("GET", f"{G}/oauth/access_token", json=load("oauth_long_lived"))
    rsps.add("GET", f"{G}/me/accounts", json=load("me_accounts"))
    result = InstagramProvider().connect_complete(
        redirect_uri="https://social.example/cb/", state={"state": "s"},
        params={"state": "s", "code": "c"})
    assert [c.account.external_id for c in result.choices] == [IG_ID]
    assert result.account.handle == "acme.gmbh"
    assert result.tokens.access_token == "EAAGm0PX4ZCpsBAPageTokenAcme"


# --- setup: can Meta fetch our media? --------------------------------------------------

def test_setup_check_explains_that_localhost_media_cannot_be_fetched(db, rsps, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.SSRF_ALLOW_LOOPBACK = False
    rsps.add("GET", f"{G}/oauth/access_token", json=load("app_access_token"))
    rsps.add("GET", f"{G}/1234567890", json=load("app_fields"))
    checks = InstagramProvider().check_setup(redirect_uri="https://social.example/cb/")
    errors = [c.message for c in checks if c.level == "error"]
    assert any("127.0.0.1" in m and "not on the public internet" in m for m in errors)


def test_setup_check_reports_a_private_network_address(db, rsps, settings):
    settings.SITE_URL = "https://10.0.0.5"
    rsps.add("GET", f"{G}/oauth/access_token", json=load("app_access_token"))
    rsps.add("GET", f"{G}/1234567890", json=load("app_fields"))
    checks = InstagramProvider().check_setup(redirect_uri="https://social.example/cb/")
    assert any("10.0.0.5" in c.message for c in checks if c.level == "error")
