"""LinkedIn provider: conformance (as a page), connect with page choices, posts, errors."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import responses

from platforms.base import PublishRequest, Tokens
from platforms.errors import AuthExpired, NotSupported, RateLimited, Rejected
from platforms.linkedin import LinkedInProvider
from platforms.linkedin.client import little_text, seconds_until_utc_midnight
from tests.factories import ConnectedAccountFactory
from tests.platforms.conformance import Harness, ProviderConformance

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "linkedin"
REST = "https://api.linkedin.com/rest"
ORG = "urn:li:organization:2414183"
POST = "urn:li:share:7100000000000000001"
COMMENT = "urn:li:comment:(urn:li:activity:7100000000000000001,7100000000000000501)"
REDIRECT = "https://social.example/o/acme/settings/accounts/linkedin/callback/"


def load(name):
    return json.loads((FIXTURES / f"{name}.json").read_text())


@pytest.fixture(autouse=True)
def linkedin_app(settings):
    settings.LINKEDIN_CLIENT_ID = "86abcdef0123xy"
    settings.LINKEDIN_CLIENT_SECRET = "linkedin-secret"
    settings.LINKEDIN_API_VERSION = "202510"


def make_account(token, author=ORG):
    account = ConnectedAccountFactory(provider="linkedin", external_id=author, handle="acme-gmbh",
                                      settings={"author_urn": author})
    account.set_tokens(Tokens(access_token=token))
    account.save()
    return account


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


class LinkedInHarness(Harness):
    def __init__(self, rsps):
        self.rsps = rsps
        self.provider = LinkedInProvider()

    def make_account(self):
        return make_account(self.token)

    def arrange_publish(self):
        self.rsps.add("POST", f"{REST}/posts", status=201, body="",
                      headers={"x-restli-id": POST})

    def arrange_publish_with_media(self):
        self.rsps.add("POST", f"{REST}/images", json=load("images_initialize_upload"))
        self.rsps.add("PUT", load("images_initialize_upload")["value"]["uploadUrl"].split("?")[0],
                      status=201)
        self.arrange_publish()

    def received_alt_texts(self):
        body = json.loads(next(c.request.body for c in self.rsps.calls
                               if c.request.url == f"{REST}/posts"))
        return [body["content"]["media"]["altText"]]

    def arrange_failure(self, kind):
        url = f"{REST}/posts"
        if kind == "auth_expired":
            self.rsps.add("POST", url, json=load("error_401_expired"), status=401)
        elif kind == "rate_limited":
            self.rsps.add("POST", url, json=load("error_429"), status=429,
                          headers={"Retry-After": str(self.RETRY_AFTER)})
        elif kind == "server_error":
            self.rsps.add("POST", url, json=load("error_500"), status=500)
        elif kind == "rejected":
            self.rsps.add("POST", url, json=load("error_422"), status=422)
            return "Content is a duplicate"
        elif kind == "malformed":
            self.rsps.add("POST", url, status=201, body="")  # no x-restli-id header
        return ""

    def arrange_find_published(self, *, exists):
        posts = load("posts_by_author")
        if exists:
            posts["elements"][0]["commentary"] = "Lost in transit"
        self.rsps.upsert("GET", f"{REST}/posts", json=posts)

    def arrange_inbox(self):
        posts = load("posts_by_author")
        posts["elements"] = posts["elements"][1:]
        self.rsps.add("GET", f"{REST}/posts", json=posts)
        self.rsps.add("GET", f"{REST}/socialActions/{_enc(POST)}/comments",
                      json=load("comments"))

    def arrange_reply(self):
        self.rsps.add("POST", f"{REST}/socialActions/{_enc(COMMENT)}/comments",
                      json=load("comment_created"), status=201)
        return COMMENT

    def received_reply_parent(self):
        return json.loads(self.rsps.calls[-1].request.body)["parentComment"]

    def arrange_account_metrics(self):
        self.rsps.add("GET", f"{REST}/networkSizes/{_enc(ORG)}", json=load("network_size"))

    def arrange_post_metrics(self):
        self.rsps.add("GET", f"{REST}/organizationalEntityShareStatistics",
                      json=load("share_statistics_posts"))
        return POST


def _enc(urn):
    from urllib.parse import quote

    return quote(urn, safe="")


class TestLinkedInConformance(ProviderConformance):
    @pytest.fixture
    def harness(self, db, rsps):
        return LinkedInHarness(rsps)


@pytest.fixture
def account(db):
    return make_account("li-token-abc")


# --- connecting -------------------------------------------------------------------------

def test_connect_start_asks_for_member_and_page_scopes_with_state(db):
    start = LinkedInProvider().connect_start(redirect_uri=REDIRECT)
    query = parse_qs(urlsplit(start.redirect_url).query)
    assert start.redirect_url.startswith("https://www.linkedin.com/oauth/v2/authorization?")
    assert query["state"] == [start.state["state"]]
    assert query["redirect_uri"] == [REDIRECT]
    assert {"openid", "profile", "w_member_social", "w_organization_social",
            "r_organization_social"} <= set(query["scope"][0].split())


def _arrange_login(rsps, acls="organization_acls"):
    rsps.add("POST", "https://www.linkedin.com/oauth/v2/accessToken", json=load("token"))
    rsps.add("GET", "https://api.linkedin.com/v2/userinfo", json=load("userinfo"))
    rsps.add("GET", f"{REST}/organizationAcls", json=load(acls))
    rsps.add("GET", f"{REST}/organizations/2414183", json=load("organization_2414183"))
    rsps.add("GET", f"{REST}/organizations/5515715", json=load("organization_5515715"))


def test_connect_offers_the_member_and_each_administered_page(db, rsps):
    _arrange_login(rsps)
    result = LinkedInProvider().connect_complete(
        redirect_uri=REDIRECT, state={"state": "st"}, params={"state": "st", "code": "AQT"})
    authors = [c.settings["author_urn"] for c in result.choices]
    assert authors == ["urn:li:person:782bbtaQ", ORG, "urn:li:organization:5515715"]
    assert result.choices[1].account.display_name == "Acme GmbH"
    assert result.account.external_id == "urn:li:person:782bbtaQ"
    assert result.tokens.expires_at is not None  # 60 days: reminders need it
    assert result.tokens.refresh_token == ""
    token_call = parse_qs(rsps.calls[0].request.body)
    assert token_call["grant_type"] == ["authorization_code"]
    assert token_call["redirect_uri"] == [REDIRECT]
    acl_query = parse_qs(urlsplit(rsps.calls[2].request.url).query)
    assert acl_query["q"] == ["roleAssignee"] and acl_query["role"] == ["ADMINISTRATOR"]
    assert rsps.calls[2].request.headers["LinkedIn-Version"] == "202510"


def test_member_without_page_access_can_still_connect_as_themself(db, rsps):
    rsps.add("POST", "https://www.linkedin.com/oauth/v2/accessToken", json=load("token"))
    rsps.add("GET", "https://api.linkedin.com/v2/userinfo", json=load("userinfo"))
    rsps.add("GET", f"{REST}/organizationAcls", json=load("error_403"), status=403)
    result = LinkedInProvider().connect_complete(
        redirect_uri=REDIRECT, state={"state": "st"}, params={"state": "st", "code": "AQT"})
    assert [c.account.handle for c in result.choices] == ["Mara Schulz"]


@pytest.mark.parametrize("error", ["user_cancelled_authorize", "user_cancelled_login"])
def test_cancelled_consent_connects_nothing(db, rsps, error):
    with pytest.raises(Rejected, match="not granted"):
        LinkedInProvider().connect_complete(
            redirect_uri=REDIRECT, state={"state": "st"},
            params={"state": "st", "error": error, "error_description": "The user cancelled"})
    assert len(rsps.calls) == 0


def test_tampered_state_connects_nothing(db, rsps):
    with pytest.raises(Rejected, match="could not be verified"):
        LinkedInProvider().connect_complete(
            redirect_uri=REDIRECT, state={"state": "st"}, params={"state": "evil", "code": "c"})
    assert len(rsps.calls) == 0


def test_expired_authorisation_code_is_rejected_with_linkedins_reason(db, rsps):
    rsps.add("POST", "https://www.linkedin.com/oauth/v2/accessToken",
             json=load("oauth_token_error"), status=400)
    with pytest.raises(Rejected, match="authorization code expired"):
        LinkedInProvider().connect_complete(
            redirect_uri=REDIRECT, state={"state": "st"}, params={"state": "st", "code": "old"})


# --- publishing ---------------------------------------------------------------------------

def test_post_body_follows_the_posts_api(account, rsps):
    rsps.add("POST", f"{REST}/posts", status=201, body="", headers={"x-restli-id": POST})
    post = LinkedInProvider().publish(account, PublishRequest(text="Neu (beta) #launch"))
    assert post.id == POST
    assert post.url == f"https://www.linkedin.com/feed/update/{POST}/"
    request = rsps.calls[0].request
    body = json.loads(request.body)
    assert body == {
        "author": ORG, "commentary": "Neu \\(beta\\) {hashtag|\\#|launch}",
        "visibility": "PUBLIC",
        "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                         "thirdPartyDistributionChannels": []},
        "lifecycleState": "PUBLISHED", "isReshareDisabledByAuthor": False}
    assert request.headers["X-Restli-Protocol-Version"] == "2.0.0"
    assert request.headers["LinkedIn-Version"] == "202510"
    assert request.headers["Authorization"] == "Bearer li-token-abc"


def test_image_is_initialised_uploaded_and_referenced_with_alt_text(account, rsps):
    init = load("images_initialize_upload")
    rsps.add("POST", f"{REST}/images", json=init)
    rsps.add("PUT", init["value"]["uploadUrl"].split("?")[0], status=201)
    rsps.add("POST", f"{REST}/posts", status=201, body="", headers={"x-restli-id": POST})
    harness = LinkedInHarness(rsps)
    LinkedInProvider().publish(account, PublishRequest(
        text="Bild", media=[harness.image("Ein rotes Quadrat")]))
    assert json.loads(rsps.calls[0].request.body) == {"initializeUploadRequest": {"owner": ORG}}
    assert parse_qs(urlsplit(rsps.calls[0].request.url).query) == {
        "action": ["initializeUpload"]}
    assert rsps.calls[1].request.method == "PUT"
    assert rsps.calls[1].request.body.startswith(b"\x89PNG")
    content = json.loads(rsps.calls[2].request.body)["content"]
    assert content == {"media": {"id": "urn:li:image:C4E10AQFoyyAjHPMQuQ",
                                 "altText": "Ein rotes Quadrat"}}


def test_delete_addresses_the_encoded_urn(account, rsps):
    rsps.add("DELETE", f"{REST}/posts/{_enc(POST)}", status=204)
    LinkedInProvider().delete(account, POST)
    assert unquote(rsps.calls[0].request.url.rsplit("/", 1)[1]) == POST


def test_rate_limit_without_retry_after_waits_until_utc_midnight(account, rsps):
    rsps.add("POST", f"{REST}/posts", json=load("error_429"), status=429)
    with pytest.raises(RateLimited) as info:
        LinkedInProvider().publish(account, PublishRequest(text="x"))
    assert info.value.retry_after == pytest.approx(seconds_until_utc_midnight(), abs=5)


@pytest.mark.parametrize(("fixture", "status", "error"), [
    ("error_401_revoked", 401, AuthExpired),
    ("error_401_expired", 401, AuthExpired),
    ("error_401_invalid", 401, AuthExpired),
    # serviceErrorCode 65601 means a dead token whatever the HTTP status says
    ("error_401_revoked", 400, AuthExpired),
    ("error_400", 400, Rejected),
    ("error_403", 403, Rejected),
])
def test_linkedin_errors_map_to_typed_errors(account, rsps, fixture, status, error):
    rsps.add("POST", f"{REST}/posts", json=load(fixture), status=status)
    with pytest.raises(error) as info:
        LinkedInProvider().publish(account, PublishRequest(text="x"))
    assert load(fixture)["message"] in info.value.message


def test_little_text_escapes_reserved_characters():
    assert little_text("a_b *c* [d] @e <f> ~g | h \\") == \
        "a\\_b \\*c\\* \\[d\\] \\@e \\<f\\> \\~g \\| h \\\\"


# --- conversations and metrics --------------------------------------------------------

def test_member_profiles_have_no_inbox_or_metrics(db):
    member = make_account("t", author="urn:li:person:782bbtaQ")
    provider = LinkedInProvider()
    with pytest.raises(NotSupported):
        provider.fetch_inbox(member, "")
    with pytest.raises(NotSupported):
        provider.fetch_account_metrics(member)


def test_reply_nests_under_the_comment_on_the_right_activity(account, rsps):
    rsps.add("POST", f"{REST}/socialActions/{_enc(COMMENT)}/comments",
             json=load("comment_created"), status=201)
    reply = LinkedInProvider().reply(account, COMMENT, "Ja, die Stelle ist remote.")
    body = json.loads(rsps.calls[0].request.body)
    assert body == {"actor": ORG, "object": "urn:li:activity:7100000000000000001",
                    "parentComment": COMMENT, "message": {"text": "Ja, die Stelle ist remote."}}
    assert reply.id.startswith("urn:li:comment:(")


def test_inbox_cursor_only_returns_newer_comments(account, rsps):
    LinkedInHarness(rsps).arrange_inbox()
    first = LinkedInProvider().fetch_inbox(account, "")
    assert len(first.items) == 2 and first.items[1].kind == "reply"
    second = LinkedInProvider().fetch_inbox(account, first.cursor)
    assert second.items == [] and second.cursor == first.cursor


def test_post_statistics_use_restli_list_syntax(account, rsps):
    rsps.add("GET", f"{REST}/organizationalEntityShareStatistics",
             json=load("share_statistics_posts"))
    [metrics] = LinkedInProvider().fetch_post_metrics(account, [POST])
    assert f"shares=List({_enc(POST)})" in rsps.calls[0].request.url
    assert metrics.values["impressions"].value == 1200
    assert metrics.values["clicks"].source_field == "totalShareStatistics.clickCount"


# --- setup ------------------------------------------------------------------------------

def test_setup_check_flags_missing_credentials_and_http_redirects(db, settings):
    settings.LINKEDIN_CLIENT_ID = ""
    checks = LinkedInProvider().check_setup(redirect_uri="http://social.example/cb/")
    errors = [c.message for c in checks if c.level == "error"]
    assert any("No LinkedIn client ID" in m for m in errors)
    assert any("https://" in m for m in errors)


def test_setup_help_lists_redirect_and_review(db):
    help_ = LinkedInProvider().setup_help(redirect_uri=REDIRECT)
    assert any(REDIRECT in step for step in help_.steps)
    assert "w_organization_social" in help_.scopes and help_.review
