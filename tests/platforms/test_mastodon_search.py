"""Mastodon listening: hashtag timeline and v2 status search, against documented shapes."""

from __future__ import annotations

import datetime as dt

import pytest
import responses

from platforms.errors import AuthExpired, RateLimited, Transient
from platforms.mastodon import MastodonProvider
from platforms.mastodon.search import hashtag_of
from tests.platforms import mastodon_fake as fake

pytestmark = pytest.mark.django_db
TAG_URL = f"{fake.BASE}/api/v1/timelines/tag/coldbrew"
SEARCH_URL = f"{fake.BASE}/api/v2/search"


@pytest.fixture(autouse=True)
def _loopback(settings):
    settings.SSRF_ALLOW_LOOPBACK = True


@pytest.fixture
def rsps():
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def account():
    return fake.make_account()


def test_queries_pick_the_tag_timeline_or_search():
    assert hashtag_of("#ColdBrew", bare_word_is_tag=False) == "ColdBrew"
    assert hashtag_of("coldbrew", bare_word_is_tag=True) == "coldbrew"
    assert hashtag_of("coldbrew", bare_word_is_tag=False) == ""
    assert hashtag_of("acme coffee", bare_word_is_tag=True) == ""
    assert hashtag_of("#café", bare_word_is_tag=True) == "café"


def test_hashtag_timeline_first_page(rsps, account):
    link = (f'<{TAG_URL}?limit=40&max_id=113600000000000101>; rel="next", '
            f'<{TAG_URL}?limit=40&min_id=113600000000000103>; rel="prev"')
    rsps.add(responses.GET, TAG_URL, json=fake.fixture("search_tag_timeline"),
             headers={"Link": link},
             match=[responses.matchers.query_param_matcher({"limit": "40"}),
                    responses.matchers.header_matcher({"Authorization": f"Bearer {fake.TOKEN}"})])
    page = MastodonProvider().search(account, "#coldbrew")
    assert [e.remote_id for e in page.items] == [
        "113600000000000101", "113600000000000102", "113600000000000103"]  # oldest first
    assert page.cursor == "113600000000000103"
    reply, edited, third = page.items
    assert {e.kind for e in page.items} == {"listening"}
    assert reply.parent_remote_id == "113599999999999999"
    assert edited.text == "Acme's new #coldbrew is great"  # plain text, no markup or script
    assert edited.edited_at == dt.datetime(2026, 11, 28, 12, 5, tzinfo=dt.UTC)
    assert edited.author_handle == "@lena@fediverse.example"
    assert edited.author_name == "Lena Hoffmann"
    assert edited.url == "https://fediverse.example/@lena/113600000000000102"
    assert third.text == "Third cup today #coldbrew & counting"
    assert third.raw["tags"] == ["coldbrew"]


def test_cursor_walks_forward_with_min_id(rsps, account):
    rsps.add(responses.GET, TAG_URL, json=[],
             match=[responses.matchers.query_param_matcher(
                 {"limit": "40", "min_id": "113600000000000103"})])
    page = MastodonProvider().search(account, "coldbrew", "113600000000000103")
    assert page.items == [] and page.cursor == "113600000000000103"


def test_a_server_ignoring_min_id_does_not_bring_old_posts_back(rsps, account):
    rsps.add(responses.GET, TAG_URL, json=fake.fixture("search_tag_timeline"))
    page = MastodonProvider().search(account, "#coldbrew", "113600000000000102")
    assert [e.remote_id for e in page.items] == ["113600000000000103"]


def test_keywords_use_v2_search_with_the_token(rsps, account):
    rsps.add(responses.GET, SEARCH_URL, json=fake.fixture("search_statuses"),
             match=[responses.matchers.query_param_matcher(
                 {"q": "acme coffee", "type": "statuses", "resolve": "false", "limit": "40",
                  "min_id": "113600000000000200"}),
                 responses.matchers.header_matcher({"Authorization": f"Bearer {fake.TOKEN}"})])
    page = MastodonProvider().search(account, " acme coffee ", "113600000000000200")
    assert [e.text for e in page.items] == ["Acme Coffee raised prices again",
                                            "Is Acme Coffee open on Sundays?"]
    assert page.cursor == "113600000000000205"


def test_search_without_full_text_answers_nothing_new(rsps, account):
    rsps.add(responses.GET, SEARCH_URL, json={"accounts": [], "statuses": [], "hashtags": []})
    page = MastodonProvider().search(account, "acme coffee")
    assert page.items == [] and page.cursor == ""


def test_malformed_status_is_skipped_and_the_rest_kept(rsps, account, caplog):
    statuses = fake.fixture("search_tag_timeline")
    del statuses[0]["account"]
    rsps.add(responses.GET, TAG_URL, json=statuses)
    page = MastodonProvider().search(account, "#coldbrew")
    assert len(page.items) == 2
    assert page.cursor == "113600000000000103"  # still moved past the broken one
    assert "malformed" in caplog.text


@pytest.mark.parametrize(("status", "body", "error"), [
    (401, {"error": "The access token is invalid"}, AuthExpired),
    (429, {"error": "Too many requests"}, RateLimited),
    (503, {"error": "unavailable"}, Transient),
])
def test_errors_are_typed(rsps, account, status, body, error):
    rsps.add(responses.GET, TAG_URL, json=body, status=status,
             headers={"Retry-After": "30"} if status == 429 else {})
    with pytest.raises(error):
        MastodonProvider().search(account, "#coldbrew")


def test_a_page_that_is_not_a_list_is_transient(rsps, account):
    rsps.add(responses.GET, SEARCH_URL, json={"error": "nope"}, status=200)
    with pytest.raises(Transient):
        MastodonProvider().search(account, "acme coffee")
