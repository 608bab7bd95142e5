"""Bluesky listening: app.bsky.feed.searchPosts against documented postView payloads."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import responses

from platforms.bluesky.search import NSID, search_posts
from platforms.bluesky.xrpc import XrpcClient
from platforms.errors import AuthExpired, RateLimited, Transient

PDS = "http://127.0.0.1:2583"
URL = f"{PDS}/xrpc/app.bsky.feed.searchPosts"
JWT = "bluesky-access-jwt"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bluesky"


def fixture(name: str):
    return json.loads((FIXTURES / f"{name}.json").read_text())


@pytest.fixture(autouse=True)
def _loopback(settings):
    settings.SSRF_ALLOW_LOOPBACK = True


@pytest.fixture
def rsps():
    with responses.RequestsMock() as mock:
        yield mock


def search(query: str, cursor: str = ""):
    client = XrpcClient()
    return search_posts(lambda params: client.call(PDS, NSID, token=JWT, params=params),
                        query, cursor)


def test_first_poll_takes_the_newest_page_only(rsps):
    rsps.add(responses.GET, URL, json=fixture("search_posts_page1"), match=[
        responses.matchers.query_param_matcher(
            {"q": "acme coffee", "sort": "latest", "limit": "100"}),
        responses.matchers.header_matcher({"Authorization": f"Bearer {JWT}"})])
    page = search("acme coffee")
    assert [e.text for e in page.items] == [
        "replying: <script>alert(1)</script> acme coffee",  # stored as text, escaped on output
        "Acme coffee is back in stock #coldbrew"]
    assert page.cursor == "2026-11-28T12:03:00.000Z"  # the earlier of createdAt and indexedAt
    reply, newest = page.items
    assert newest.kind == "listening"
    assert newest.remote_id == "at://did:plc:jo4example/app.bsky.feed.post/3lbxq2abc3k2a"
    assert newest.url == "https://bsky.app/profile/jo.bsky.social/post/3lbxq2abc3k2a"
    assert newest.author_handle == "@jo.bsky.social" and newest.author_name == "Jo"
    assert newest.created_at == dt.datetime(2026, 11, 28, 12, 3, tzinfo=dt.UTC)
    assert newest.raw == {"cid": "bafyrei3lbxq2abc3k2a", "did": "did:plc:jo4example"}
    assert reply.author_name == "sam.example.com"  # no display name: the handle
    assert reply.parent_remote_id == "at://did:plc:root/app.bsky.feed.post/3parent"
    assert reply.root_remote_id == "at://did:plc:root/app.bsky.feed.post/3root"


def test_later_polls_page_back_to_the_cursor_with_since(rsps):
    since = "2026-11-28T12:00:00.000Z"
    rsps.add(responses.GET, URL, json=fixture("search_posts_page1"), match=[
        responses.matchers.query_param_matcher(
            {"q": "#coldbrew", "sort": "latest", "limit": "100", "since": since})])
    rsps.add(responses.GET, URL, json=fixture("search_posts_page2"), match=[
        responses.matchers.query_param_matcher(
            {"q": "#coldbrew", "sort": "latest", "limit": "100", "since": since,
             "cursor": "2"})])
    page = search("#coldbrew", since)
    assert [e.text for e in page.items] == [
        "acme coffee at the station", "replying: <script>alert(1)</script> acme coffee",
        "Acme coffee is back in stock #coldbrew"]
    assert page.cursor == "2026-11-28T12:03:00.000Z"


def test_nothing_new_keeps_the_cursor(rsps):
    rsps.add(responses.GET, URL, json={"posts": []})
    page = search("acme", "2026-11-28T12:03:00.000Z")
    assert page.items == [] and page.cursor == "2026-11-28T12:03:00.000Z"


def test_malformed_posts_are_skipped(rsps, caplog):
    body = fixture("search_posts_page2")
    body["posts"].insert(0, {"uri": "at://x/app.bsky.feed.post/1", "record": {"text": "no author"}})
    rsps.add(responses.GET, URL, json=body)
    page = search("acme")
    assert [e.text for e in page.items] == ["acme coffee at the station"]
    assert "malformed" in caplog.text


@pytest.mark.parametrize(("status", "body", "error"), [
    (400, {"error": "ExpiredToken", "message": "Token has expired"}, AuthExpired),
    (400, {"error": "InvalidToken", "message": "Bad token"}, AuthExpired),
    (429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, RateLimited),
    (502, {"error": "UpstreamFailure", "message": "Upstream Failure"}, Transient),
    (200, {"unexpected": True}, Transient),
])
def test_errors_are_typed(rsps, status, body, error):
    rsps.add(responses.GET, URL, json=body, status=status,
             headers={"ratelimit-reset": "1900000000"} if status == 429 else {})
    with pytest.raises(error):
        search("acme")
