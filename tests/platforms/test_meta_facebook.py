"""Facebook Pages provider: the conformance suite plus connect, publish and error mapping."""

from __future__ import annotations

import io
import json
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from platforms.base import MediaFile, PublishRequest
from platforms.errors import AuthExpired, RateLimited, Rejected, Transient
from platforms.meta import FacebookPageProvider
from tests.platforms.conformance import Harness, ProviderConformance, png_bytes
from tests.platforms.meta_harness import (
    PAGE_ID,
    G,
    arrange_failure,
    form_fields,
    load,
    make_account,
)


@pytest.fixture(autouse=True)
def meta_app(settings):
    settings.META_APP_ID = "1234567890"
    settings.META_APP_SECRET = "meta-app-secret"
    settings.META_GRAPH_VERSION = "v23.0"


class FacebookHarness(Harness):
    RETRY_AFTER = 300  # Meta reports minutes: 5 minutes to regain access

    def __init__(self, rsps):
        self.rsps = rsps
        self.provider = FacebookPageProvider()

    def make_account(self):
        return make_account("facebook", PAGE_ID, self.token, handle="acmegmbh")

    def arrange_publish(self):
        self.rsps.add("POST", f"{G}/{PAGE_ID}/feed", json=load("page_post_created"))

    def arrange_publish_with_media(self):
        self.rsps.add("POST", f"{G}/{PAGE_ID}/photos", json=load("photo_published"))

    def received_alt_texts(self):
        return [form_fields(c.request).get("alt_text_custom", "") for c in self.rsps.calls
                if c.request.url.split("?")[0].endswith("/photos")]

    def arrange_failure(self, kind):
        return arrange_failure(self.rsps, "POST", f"{G}/{PAGE_ID}/feed", kind)

    def arrange_find_published(self, *, exists):
        feed = load("page_feed")
        if exists:
            feed["data"][0]["message"] = "Lost in transit"
        self.rsps.upsert("GET", f"{G}/{PAGE_ID}/feed", json=feed)

    def arrange_inbox(self):
        self.rsps.add("GET", f"{G}/{PAGE_ID}/feed", json=load("page_feed"))

    def arrange_reply(self):
        self.rsps.add("POST", f"{G}/987654321098765_111000000000001/comments",
                      json=load("comment_created"))
        return "987654321098765_111000000000001"

    def received_reply_parent(self):
        path = urlsplit(self.rsps.calls[-1].request.url).path
        return path.removeprefix("/v23.0/").removesuffix("/comments")

    def arrange_account_metrics(self):
        self.rsps.add("GET", f"{G}/{PAGE_ID}", json=load("page_fields"))

    def arrange_post_metrics(self):
        self.rsps.add("GET", f"{G}/112233445566778_987654321098765", json=load("post_metrics"))
        return "112233445566778_987654321098765"


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


class TestFacebookConformance(ProviderConformance):
    @pytest.fixture
    def harness(self, db, rsps):
        return FacebookHarness(rsps)


# --- connecting -------------------------------------------------------------------------

REDIRECT = "https://social.example/o/acme/settings/accounts/facebook/callback/"


def test_connect_start_sends_the_admin_to_the_facebook_dialog_with_state_and_scopes(db):
    start = FacebookPageProvider().connect_start(redirect_uri=REDIRECT)
    url = urlsplit(start.redirect_url)
    query = parse_qs(url.query)
    assert url.netloc == "www.facebook.com" and url.path == "/v23.0/dialog/oauth"
    assert query["client_id"] == ["1234567890"]
    assert query["redirect_uri"] == [REDIRECT]
    assert query["state"] == [start.state["state"]]
    assert "pages_manage_posts" in query["scope"][0].split(",")
    assert "instagram_content_publish" in query["scope"][0].split(",")


def test_connect_start_without_app_credentials_is_a_clear_refusal(db, settings):
    settings.META_APP_ID = ""
    with pytest.raises(Rejected, match="No Meta app"):
        FacebookPageProvider().connect_start(redirect_uri=REDIRECT)


def _arrange_login(rsps, accounts="me_accounts"):
    rsps.add("GET", f"{G}/oauth/access_token", json=load("oauth_token"))
    rsps.add("GET", f"{G}/oauth/access_token", json=load("oauth_long_lived"))
    rsps.add("GET", f"{G}/me/accounts", json=load(accounts))


def test_connect_complete_offers_each_page_the_user_may_post_to(db, rsps):
    _arrange_login(rsps)
    result = FacebookPageProvider().connect_complete(
        redirect_uri=REDIRECT, state={"state": "s3cr3t"},
        params={"state": "s3cr3t", "code": "AQDcode"})
    # The bakery page only grants ANALYZE/MODERATE: no CREATE_CONTENT, so it is not offered.
    assert [c.account.external_id for c in result.choices] == [PAGE_ID]
    choice = result.choices[0]
    assert choice.tokens.access_token == "EAAGm0PX4ZCpsBAPageTokenAcme"
    assert choice.settings["instagram_business_account"]["id"] == "17841405822304914"
    assert result.account == choice.account
    exchange = parse_qs(urlsplit(rsps.calls[1].request.url).query)
    assert exchange["grant_type"] == ["fb_exchange_token"]
    assert exchange["fb_exchange_token"] == ["EAAGm0PX4ZCpsBAShortLivedUserToken"]
    assert rsps.calls[2].request.headers["Authorization"] == \
        "Bearer EAAGm0PX4ZCpsBALongLivedUserToken"


def test_connect_complete_refuses_a_tampered_state_and_calls_nothing(db, rsps):
    with pytest.raises(Rejected, match="could not be verified"):
        FacebookPageProvider().connect_complete(
            redirect_uri=REDIRECT, state={"state": "expected"},
            params={"state": "forged", "code": "AQDcode"})
    assert len(rsps.calls) == 0


def test_denied_callback_connects_nothing(db, rsps):
    with pytest.raises(Rejected, match="not granted"):
        FacebookPageProvider().connect_complete(
            redirect_uri=REDIRECT, state={"state": "s"},
            params={"state": "s", "error": "access_denied", "error_code": "200",
                    "error_description": "Permissions error", "error_reason": "user_denied"})
    assert len(rsps.calls) == 0


def test_login_without_pages_is_a_clear_refusal(db, rsps):
    _arrange_login(rsps, accounts="me_accounts_empty")
    with pytest.raises(Rejected, match="no page you may post to"):
        FacebookPageProvider().connect_complete(
            redirect_uri=REDIRECT, state={"state": "s"}, params={"state": "s", "code": "c"})


def test_a_used_authorisation_code_is_rejected_with_metas_message(db, rsps):
    rsps.add("GET", f"{G}/oauth/access_token", json=load("error_oauth_code"), status=400)
    with pytest.raises(Rejected, match="authorization code has been used"):
        FacebookPageProvider().connect_complete(
            redirect_uri=REDIRECT, state={"state": "s"}, params={"state": "s", "code": "c"})


# --- publishing ---------------------------------------------------------------------------

@pytest.fixture
def account(db):
    return make_account("facebook", PAGE_ID, "page-token-xyz", handle="acmegmbh")


def test_text_post_with_link_goes_to_the_feed_with_appsecret_proof(account, rsps):
    rsps.add("POST", f"{G}/{PAGE_ID}/feed", json=load("page_post_created"))
    post = FacebookPageProvider().publish(
        account, PublishRequest(text="Hallo", link="https://acme.example/blog"))
    assert post.id == "112233445566778_987654321098765"
    assert post.url == "https://www.facebook.com/112233445566778/posts/987654321098765"
    request = rsps.calls[0].request
    assert form_fields(request) == {"message": "Hallo", "link": "https://acme.example/blog"}
    assert "appsecret_proof=" in request.url
    assert "page-token-xyz" not in request.url  # tokens travel in the header only


def _image(name, alt, public_url=""):
    data = png_bytes()
    return MediaFile(filename=name, content_type="image/png", size=len(data), alt_text=alt,
                     open=lambda: io.BytesIO(data), public_url=public_url)


def test_several_photos_are_uploaded_unpublished_and_attached_to_one_post(account, rsps):
    rsps.add("POST", f"{G}/{PAGE_ID}/photos", json=load("photo_unpublished_1"))
    rsps.add("POST", f"{G}/{PAGE_ID}/photos", json=load("photo_unpublished_2"))
    rsps.add("POST", f"{G}/{PAGE_ID}/feed", json=load("page_post_created"))
    post = FacebookPageProvider().publish(account, PublishRequest(
        text="Zwei Bilder", media=[_image("a.png", "Erstes"),
                                   _image("b.png", "Zweites", "https://cdn.example/b.png")]))
    assert post.id == "112233445566778_987654321098765"
    first, second, feed = (form_fields(c.request) for c in rsps.calls)
    assert first["published"] == "false" and first["alt_text_custom"] == "Erstes"
    assert second["url"] == "https://cdn.example/b.png"
    assert json.loads(feed["attached_media[0]"]) == {"media_fbid": "555000000000001"}
    assert json.loads(feed["attached_media[1]"]) == {"media_fbid": "555000000000002"}
    assert feed["message"] == "Zwei Bilder"


def test_delete_removes_the_post(account, rsps):
    rsps.add("DELETE", f"{G}/112233445566778_987654321098765", json=load("success"))
    FacebookPageProvider().delete(account, "112233445566778_987654321098765")
    assert rsps.calls[0].request.method == "DELETE"


@pytest.mark.parametrize(("fixture", "error"), [
    ("error_190_password_changed", AuthExpired),
    ("error_4_app_limit", RateLimited),
    ("error_17_user_limit", RateLimited),
    ("error_613", RateLimited),
    ("error_80001", RateLimited),
    ("error_1_unknown", Transient),
    ("error_368_blocked", Rejected),
    ("error_200_permission", Rejected),
])
def test_graph_error_codes_map_to_typed_errors(account, rsps, fixture, error):
    rsps.add("POST", f"{G}/{PAGE_ID}/feed", json=load(fixture), status=400)
    with pytest.raises(error) as info:
        FacebookPageProvider().publish(account, PublishRequest(text="x"))
    if error is Rejected:
        assert info.value.reason
    if error is Transient:
        assert not isinstance(info.value, RateLimited)


def test_rate_limit_without_usage_headers_has_unknown_retry_after(account, rsps):
    rsps.add("POST", f"{G}/{PAGE_ID}/feed", json=load("error_613"), status=400)
    with pytest.raises(RateLimited) as info:
        FacebookPageProvider().publish(account, PublishRequest(text="x"))
    assert info.value.retry_after is None


def test_inbox_skips_the_pages_own_replies_and_moves_the_cursor(account, rsps):
    rsps.add("GET", f"{G}/{PAGE_ID}/feed", json=load("page_feed"))
    page = FacebookPageProvider().fetch_inbox(account, "")
    assert [e.remote_id for e in page.items] == ["987654321098765_111000000000001"]
    entry = page.items[0]
    assert entry.author_name == "Jonas Weber" and entry.kind == "comment"
    assert entry.root_remote_id == "112233445566778_987654321098765"
    again = FacebookPageProvider().fetch_inbox(account, page.cursor)
    assert again.items == [] and again.cursor == page.cursor


def test_post_metrics_leave_out_what_facebook_did_not_report(account, rsps):
    rsps.add("GET", f"{G}/112233445566778_987654321098700", json=load("post_metrics_no_shares"))
    [metrics] = FacebookPageProvider().fetch_post_metrics(
        account, ["112233445566778_987654321098700"])
    assert "reposts" not in metrics.values
    assert metrics.values["likes"].value == 0


# --- setup ------------------------------------------------------------------------------

def test_check_setup_confirms_app_credentials_with_meta(db, rsps):
    rsps.add("GET", f"{G}/oauth/access_token", json=load("app_access_token"))
    rsps.add("GET", f"{G}/1234567890", json=load("app_fields"))
    checks = FacebookPageProvider().check_setup(redirect_uri=REDIRECT)
    levels = {c.level for c in checks}
    assert "error" not in levels
    assert any("socialmgr (Acme self-hosted)" in c.message for c in checks)


def test_check_setup_explains_a_wrong_secret_and_an_http_redirect(db, rsps):
    rsps.add("GET", f"{G}/oauth/access_token", json=load("error_client_secret"), status=400)
    checks = FacebookPageProvider().check_setup(redirect_uri="http://localhost:8000/cb/")
    errors = [c.message for c in checks if c.level == "error"]
    assert any("HTTPS" in m for m in errors)
    assert any("Error validating client secret" in m for m in errors)


def test_setup_help_names_the_exact_redirect_uri_and_scopes(db):
    help_ = FacebookPageProvider().setup_help(redirect_uri=REDIRECT)
    assert help_.redirect_uri == REDIRECT
    assert any(REDIRECT in step for step in help_.steps)
    assert "pages_manage_posts" in help_.scopes
