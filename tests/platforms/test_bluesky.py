"""Bluesky at the HTTP layer (`responses`): identity resolution, session errors, the error
shapes the PDS documents, notification paging and metrics, with recorded payloads from
tests/fixtures/bluesky. The same flows run against the real PDS in test_bluesky_pds*.py."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from pathlib import Path

import pytest
import responses

from accounts.models import AccountStatus
from platforms.base import PublishRequest, Tokens
from platforms.bluesky import BlueskyProvider
from platforms.bluesky.records import tid_for_key, tid_now
from platforms.bluesky.richtext import detect_facets
from platforms.bluesky.session import jwt_expiry
from platforms.errors import AuthExpired, RateLimited, Rejected, Transient
from tests.factories import ConnectedAccountFactory

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bluesky"
RESOLVER = "http://127.0.0.1:2583"
PLC = "http://127.0.0.1:2582"
PDS = "http://127.0.0.1:2584"
DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
HANDLE = "acme.example.org"
TOKEN = "old-access-jwt-secret-value"
REFRESH = "old-refresh-jwt-secret-value"
TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


@pytest.fixture(autouse=True)
def _atproto(settings):
    settings.SSRF_ALLOW_LOOPBACK = True
    settings.ATPROTO_PLC_URL = PLC
    settings.ATPROTO_HANDLE_RESOLVER_URL = RESOLVER
    settings.ATPROTO_APPVIEW_PROXY = "did:web:appview.example.org#bsky_appview"


@pytest.fixture
def rsps():
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def account(db):
    account = ConnectedAccountFactory(provider="bluesky", external_id=DID, handle=HANDLE,
                                      settings={"did": DID, "pds_url": PDS})
    account.set_tokens(Tokens(access_token=TOKEN, refresh_token=REFRESH))
    account.save()
    return account


def add_identity(rsps, *, doc: dict | None = None):
    rsps.add(responses.GET, f"{RESOLVER}/xrpc/com.atproto.identity.resolveHandle",
             json={"did": DID}, match=[responses.matchers.query_param_matcher(
                 {"handle": HANDLE})])
    rsps.add(responses.GET, f"{PLC}/{DID}", json=doc or fixture("did_doc_plc"))


def connect(params: dict | None = None):
    return BlueskyProvider().connect_complete(
        redirect_uri="", state={}, params=params or {"identifier": f"@{HANDLE}",
                                                     "password": "abcd-efgh-ijkl-mnop"})


# --- connecting ---------------------------------------------------------------------------

def test_connect_resolves_handle_did_and_pds_then_logs_in_there(rsps):
    add_identity(rsps)
    rsps.add(responses.POST, f"{PDS}/xrpc/com.atproto.server.createSession",
             json=fixture("create_session"), match=[responses.matchers.json_params_matcher(
                 {"identifier": DID, "password": "abcd-efgh-ijkl-mnop"})])
    rsps.add(responses.GET, f"{PDS}/xrpc/app.bsky.actor.getProfile", json=fixture("get_profile"),
             match=[responses.matchers.header_matcher(
                 {"atproto-proxy": "did:web:appview.example.org#bsky_appview"},
                 strict_match=False)])
    result = connect()
    assert (result.account.external_id, result.account.handle) == (DID, HANDLE)
    assert result.account.display_name == "Acme Kaffee"
    assert result.settings == {"did": DID, "chosen_pds_url": "", "pds_url": PDS}
    assert result.tokens.refresh_token == fixture("create_session")["refreshJwt"]
    assert result.tokens.expires_at == dt.datetime.fromtimestamp(1795941039, tz=dt.UTC)


def test_connect_wrong_app_password_is_a_readable_rejection(rsps):
    add_identity(rsps)
    rsps.add(responses.POST, f"{PDS}/xrpc/com.atproto.server.createSession", status=401,
             json=fixture("error_auth_required"))
    with pytest.raises(Rejected) as info:
        connect()
    assert "did not accept this handle and app password" in info.value.reason


def test_connect_with_a_main_password_needing_a_code_explains_app_passwords(rsps):
    add_identity(rsps)
    rsps.add(responses.POST, f"{PDS}/xrpc/com.atproto.server.createSession", status=401,
             json=fixture("error_auth_factor"))
    # 401 with AuthFactorTokenRequired: the password was right, a code is missing
    with pytest.raises(Rejected) as info:
        connect()
    assert "asks for a sign-in code" in info.value.reason


def test_too_many_logins_says_when_to_try_again(rsps):
    add_identity(rsps)
    rsps.add(responses.POST, f"{PDS}/xrpc/com.atproto.server.createSession", status=429,
             headers={"ratelimit-reset": str(int(time.time()) + 600)},
             json=fixture("error_rate_limit"))
    with pytest.raises(Rejected) as info:
        connect()
    assert "10 minutes" in info.value.reason


def test_a_handle_that_resolves_nowhere_is_a_form_error(rsps):
    rsps.add(responses.GET, f"{RESOLVER}/xrpc/com.atproto.identity.resolveHandle", status=400,
             json={"error": "InvalidRequest", "message": "Unable to resolve handle"})
    with pytest.raises(Rejected) as info:
        connect({"identifier": "nobody.invalid-tld-here.test", "password": "x"})
    assert "could not be found" in info.value.reason


def test_a_handle_its_did_document_does_not_confirm_is_refused(rsps):
    doc = {**fixture("did_doc_plc"), "alsoKnownAs": ["at://someone-else.example.org"]}
    add_identity(rsps, doc=doc)
    with pytest.raises(Rejected) as info:
        connect()
    assert "does not confirm" in info.value.reason


def test_a_did_document_without_a_pds_is_refused(rsps):
    add_identity(rsps, doc={**fixture("did_doc_plc"), "service": []})
    with pytest.raises(Rejected):
        connect()


def test_not_a_handle_is_refused_before_any_request(rsps):
    with pytest.raises(Rejected):
        connect({"identifier": "not a handle!", "password": "x"})


# --- the session --------------------------------------------------------------------------

def test_expired_token_is_refreshed_and_the_call_repeated_once(rsps, account):
    url = f"{PDS}/xrpc/com.atproto.repo.deleteRecord"
    rsps.add(responses.POST, url, status=400, json=fixture("error_expired_token"),
             match=[responses.matchers.header_matcher({"Authorization": f"Bearer {TOKEN}"})])
    session = fixture("create_session")
    rsps.add(responses.POST, f"{PDS}/xrpc/com.atproto.server.refreshSession", json=session,
             match=[responses.matchers.header_matcher({"Authorization": f"Bearer {REFRESH}"})])
    rsps.add(responses.POST, url, json={"commit": {"cid": "bafy", "rev": "3l"}},
             match=[responses.matchers.header_matcher(
                 {"Authorization": f"Bearer {session['accessJwt']}"})])
    BlueskyProvider().delete(account, f"at://{DID}/app.bsky.feed.post/3lb7c26aye5ie")
    account.refresh_from_db()
    assert account.get_access_token() == session["accessJwt"]
    assert account.get_refresh_token() == session["refreshJwt"]


def test_a_refused_refresh_is_auth_expired_and_marks_the_account(rsps, account):
    url = f"{PDS}/xrpc/com.atproto.repo.deleteRecord"
    rsps.add(responses.POST, url, status=400, json=fixture("error_expired_token"))
    rsps.add(responses.POST, f"{PDS}/xrpc/com.atproto.server.refreshSession", status=400,
             json=fixture("error_invalid_token"))
    with pytest.raises(AuthExpired) as info:
        BlueskyProvider().delete(account, f"at://{DID}/app.bsky.feed.post/3lb7c26aye5ie")
    assert REFRESH not in str(info.value) and TOKEN not in str(info.value)
    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_RECONNECT


# --- error shapes on publish --------------------------------------------------------------

@pytest.mark.parametrize(("status", "body", "error"), [
    (429, "error_rate_limit", RateLimited),
    (500, "error_internal", Transient),
    (502, None, Transient),
    (400, "error_invalid_record", Rejected),
])
def test_publish_errors_map_to_typed_errors(rsps, account, status, body, error):
    headers = {"ratelimit-reset": str(int(time.time()) + 42)} if status == 429 else {}
    rsps.add(responses.POST, f"{PDS}/xrpc/com.atproto.repo.createRecord", status=status,
             headers=headers, **({"json": fixture(body)} if body else {"body": "Bad Gateway"}))
    if status != 429:  # after a failure the provider checks whether the rkey already exists
        rsps.add(responses.GET, f"{PDS}/xrpc/com.atproto.repo.getRecord", status=400,
                 json={"error": "RecordNotFound", "message": "Could not locate record"})
    with pytest.raises(error) as info:
        BlueskyProvider().publish(account, PublishRequest(text="Hallo", idempotency_key="k1"))
    if error is RateLimited:
        assert info.value.retry_after == pytest.approx(42, abs=2)
    if error is Rejected:
        assert "must not be longer than 300 graphemes" in info.value.reason
    assert TOKEN not in str(info.value)


def test_publish_sends_a_deterministic_tid_rkey_and_the_record(rsps, account):
    rsps.add(responses.POST, f"{PDS}/xrpc/com.atproto.repo.createRecord", json={
        "uri": f"at://{DID}/app.bsky.feed.post/{tid_for_key('post-9')}", "cid": "bafyrei"})
    post = BlueskyProvider().publish(
        account, PublishRequest(text="Hallo", idempotency_key="post-9"))
    body = json.loads(rsps.calls[0].request.body)
    assert body["rkey"] == tid_for_key("post-9") and TID.match(body["rkey"])
    assert body["repo"] == DID and body["collection"] == "app.bsky.feed.post"
    assert body["record"]["text"] == "Hallo" and body["record"]["createdAt"].endswith("Z")
    assert post.url == f"https://bsky.app/profile/{HANDLE}/post/{tid_for_key('post-9')}"


# --- reading ------------------------------------------------------------------------------

def test_inbox_pages_back_to_what_was_seen_and_returns_oldest_first(rsps, account):
    url = f"{PDS}/xrpc/app.bsky.notification.listNotifications"
    rsps.add(responses.GET, url, json=fixture("list_notifications_page1"), match=[
        responses.matchers.query_param_matcher(
            {"limit": "50", "reasons": ["reply", "mention", "quote"]}),
        responses.matchers.header_matcher(
            {"atproto-proxy": "did:web:appview.example.org#bsky_appview"}, strict_match=False)])
    rsps.add(responses.GET, url, json=fixture("list_notifications_page2"), match=[
        responses.matchers.query_param_matcher({"limit": "50", "cursor": "2026-11-28T12:04:02.000Z",
                                                "reasons": ["reply", "mention", "quote"]})])
    page = BlueskyProvider().fetch_inbox(account, "2026-11-28T11:30:00.000Z")
    assert [e.kind for e in page.items] == ["quote", "reply", "mention"]  # "old" was seen
    reply = page.items[1]
    assert reply.parent_remote_id == f"at://{DID}/app.bsky.feed.post/3lb7c26aye5ie"
    assert reply.url == "https://bsky.app/profile/carol.bsky.social/post/3lc3qreply"
    assert page.items[2].author_name == "Bob" and "öffnet" in page.items[2].text
    assert page.items[2].author_handle == "@bob.example.com"
    assert page.cursor == "2026-11-28T12:05:01.000Z"


def test_first_inbox_poll_reads_one_page(rsps, account):
    rsps.add(responses.GET, f"{PDS}/xrpc/app.bsky.notification.listNotifications",
             json=fixture("list_notifications_page1"))
    page = BlueskyProvider().fetch_inbox(account)
    assert len(rsps.calls) == 1 and len(page.items) == 2


def test_metrics_come_from_profile_and_post_views_without_impressions(rsps, account):
    rsps.add(responses.GET, f"{PDS}/xrpc/app.bsky.actor.getProfile", json=fixture("get_profile"))
    uri = f"at://{DID}/app.bsky.feed.post/3lb7c26aye5ie"
    rsps.add(responses.GET, f"{PDS}/xrpc/app.bsky.feed.getPosts", json=fixture("get_posts"))
    provider = BlueskyProvider()
    profile = provider.fetch_account_metrics(account).values
    assert {k: v.value for k, v in profile.items()} == {"followers": 1280, "following": 311,
                                                        "posts": 942}
    [post] = provider.fetch_post_metrics(account, [uri, f"at://{DID}/app.bsky.feed.post/gone"])
    assert post.remote_id == uri
    assert {k: v.value for k, v in post.values.items()} == {
        "likes": 51, "reposts": 7, "replies": 4, "quotes": 1, "bookmarks": 3}
    assert "impressions" not in post.values


def test_post_metrics_ask_for_at_most_25_posts_at_once(rsps, account):
    rsps.add(responses.GET, f"{PDS}/xrpc/app.bsky.feed.getPosts", json={"posts": []})
    rsps.add(responses.GET, f"{PDS}/xrpc/app.bsky.feed.getPosts", json={"posts": []})
    uris = [f"at://{DID}/app.bsky.feed.post/{tid_now()}" for _ in range(30)]
    assert BlueskyProvider().fetch_post_metrics(account, uris) == []
    assert [len(c.request.params["uris"]) for c in rsps.calls] == [25, 5]


# --- pure helpers ---------------------------------------------------------------------------

def test_facets_are_byte_offsets_in_utf8():
    text = "Ä 🎉 #Tag. siehe example.com/x, @bob.test und #123"
    facets = detect_facets(text, resolve_handle=lambda h: "did:plc:bob" if h == "bob.test"
                           else None)
    raw = text.encode()
    spans = [raw[f["index"]["byteStart"]:f["index"]["byteEnd"]].decode() for f in facets]
    assert spans == ["#Tag", "example.com/x", "@bob.test"]
    assert facets[1]["features"][0]["uri"] == "https://example.com/x"
    assert facets[0]["index"] == {"byteStart": 8, "byteEnd": 12}  # Ä=2 bytes, 🎉=4 bytes


def test_tids_are_valid_and_deterministic_per_key():
    assert tid_for_key("a") == tid_for_key("a") != tid_for_key("b")
    assert all(TID.match(t) for t in (tid_for_key("a"), tid_for_key("ü" * 50), tid_now()))


def test_jwt_expiry_reads_exp_and_tolerates_garbage():
    assert jwt_expiry(fixture("create_session")["accessJwt"]) == dt.datetime.fromtimestamp(
        1795941039, tz=dt.UTC)
    assert jwt_expiry("not-a-jwt") is None


class _Txt:
    def __init__(self, *values: str):
        self.strings = [v.encode() for v in values]


def test_handles_resolve_through_dns_txt_when_no_resolver_is_configured(
        rsps, settings, monkeypatch):
    import dns.resolver

    from platforms.bluesky.identity import resolve_identity

    settings.ATPROTO_HANDLE_RESOLVER_URL = ""
    asked = []

    def fake_resolve(name, kind, lifetime):  # DNS is the network here, like HTTP elsewhere
        asked.append((name, kind))
        return [_Txt(f"did={DID}")]

    monkeypatch.setattr(dns.resolver, "resolve", fake_resolve)
    rsps.add(responses.GET, f"{PLC}/{DID}", json=fixture("did_doc_plc"))
    identity = resolve_identity(HANDLE)
    assert asked == [(f"_atproto.{HANDLE}", "TXT")]
    assert (identity.did, identity.handle, identity.pds_url) == (DID, HANDLE, PDS)


def test_two_different_dids_in_dns_count_as_no_answer(monkeypatch):
    import dns.resolver

    from platforms.bluesky.identity import _via_dns

    monkeypatch.setattr(dns.resolver, "resolve", lambda *a, **k: [
        _Txt(f"did={DID}"), _Txt("did=did:plc:another")])
    assert _via_dns(HANDLE) is None


def test_an_account_without_a_stored_server_needs_reconnecting(db):
    account = ConnectedAccountFactory(provider="bluesky", external_id=DID, handle=HANDLE,
                                      settings={})
    account.set_tokens(Tokens(access_token=TOKEN, refresh_token=REFRESH))
    account.save()
    with pytest.raises(AuthExpired):
        BlueskyProvider().fetch_account_metrics(account)
