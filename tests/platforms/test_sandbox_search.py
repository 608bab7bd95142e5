"""Listening against the live sandbox: hashtag timeline, keyword search, cursor, chatter."""

from __future__ import annotations

import datetime as dt

import pytest
import requests

from platforms.errors import AuthExpired
from platforms.registry import get_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiet(sandbox):
    sandbox.knobs(public_per_hour=0)  # only what a test posts
    return sandbox


@pytest.fixture
def account(quiet, connect_sandbox_account, org):
    return connect_sandbox_account(org, "acme_coffee")


def test_tag_timeline_is_public_paged_and_newest_first(quiet, sandbox_server):
    for n in range(3):
        quiet.public_post(f"cup {n} #ColdBrew", author="lena@fediverse.example")
    quiet.public_post("no tag here, just coldbrew", author="marco@social.example")
    answer = requests.get(f"{sandbox_server.url}/api/v1/timelines/tag/coldbrew",
                          params={"limit": 2}, timeout=5)
    assert answer.status_code == 200  # no token needed
    body = answer.json()
    assert [s["content"] for s in body] == ["<p>cup 2 #ColdBrew</p>", "<p>cup 1 #ColdBrew</p>"]
    assert body[0]["tags"] == [{"name": "coldbrew",
                                "url": f"{sandbox_server.url}/tags/coldbrew"}]
    assert 'rel="next"' in answer.headers["Link"] and "max_id=" in answer.headers["Link"]
    older = requests.get(f"{sandbox_server.url}/api/v1/timelines/tag/coldbrew",
                         params={"max_id": body[-1]["id"]}, timeout=5).json()
    assert [s["content"] for s in older] == ["<p>cup 0 #ColdBrew</p>"]


def test_search_needs_a_token(quiet, sandbox_server):
    answer = requests.get(f"{sandbox_server.url}/api/v2/search", params={"q": "acme"},
                          timeout=5)
    assert answer.status_code == 401


def test_hashtag_search_returns_listening_entries_oldest_first(quiet, account):
    quiet.public_post("first #acmecoffee", author="lena@fediverse.example", ago_s=120)
    quiet.public_post("second #AcmeCoffee <b>bold</b>", author="aiko@mastodon.example")
    quiet.public_post("unrelated #tea")
    page = get_provider("sandbox").search(account, "#acmecoffee")
    assert [e.text for e in page.items] == ["first #acmecoffee", "second #AcmeCoffee <b>bold</b>"]
    assert {e.kind for e in page.items} == {"listening"}
    first = page.items[0]
    assert first.author_handle == "@lena@fediverse.example"
    assert first.url.endswith(f"/{first.remote_id}")
    assert first.raw["tags"] == ["acmecoffee"]
    assert page.cursor == page.items[-1].remote_id


def test_cursor_returns_only_newer_posts(quiet, account):
    provider = get_provider("sandbox")
    quiet.public_post("old #espresso")
    first = provider.search(account, "#espresso")
    assert len(first.items) == 1
    assert provider.search(account, "#espresso", first.cursor).items == []
    quiet.public_post("new #espresso")
    later = provider.search(account, "#espresso", first.cursor)
    assert [e.text for e in later.items] == ["new #espresso"]
    assert int(later.cursor) > int(first.cursor)


def test_keyword_search_matches_every_word_without_a_tag(quiet, account):
    quiet.public_post("Is Acme Coffee open on Sundays?")
    quiet.public_post("acme rockets are loud")
    quiet.public_post("Coffee time")
    page = get_provider("sandbox").search(account, "acme coffee")
    assert [e.text for e in page.items] == ["Is Acme Coffee open on Sundays?"]


def test_walking_a_busy_tag_page_by_page(quiet, account):
    provider = get_provider("sandbox")
    quiet.public_post("seed #busy")
    cursor = provider.search(account, "#busy").cursor
    for n in range(45):  # more than one page of 40
        quiet.public_post(f"busy {n} #busy")
    seen, pages = [], 0
    while True:
        page = provider.search(account, "#busy", cursor)
        pages += 1
        if not page.items:
            break
        seen += [e.text for e in page.items]
        cursor = page.cursor
    assert seen == [f"busy {n} #busy" for n in range(45)]  # in order, nothing twice
    assert pages == 3


def test_expired_token_is_auth_expired(quiet, account):
    quiet.expire_tokens(account.settings["account_id"])
    with pytest.raises(AuthExpired):
        get_provider("sandbox").search(account, "acme coffee")


def test_generated_chatter_has_a_rising_tag(sandbox, sandbox_server):
    """The world makes up a month of public posts; #coldbrew climbs over the last week."""
    sandbox.knobs(public_per_hour=6)
    counts = {"last": 0, "before": 0}
    url = f"{sandbox_server.url}/api/v1/timelines/tag/coldbrew"
    params: dict = {"limit": 40}
    now = dt.datetime.now(dt.UTC)
    while True:
        body = requests.get(url, params=params, timeout=10).json()
        if not body:
            break
        for status in body:
            age = now - dt.datetime.fromisoformat(status["created_at"])
            if age <= dt.timedelta(days=7):
                counts["last"] += 1
            elif age <= dt.timedelta(days=14):
                counts["before"] += 1
        params["max_id"] = body[-1]["id"]
    assert counts["last"] > 2 * max(counts["before"], 1)
