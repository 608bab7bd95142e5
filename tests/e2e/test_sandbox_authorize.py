"""The sandbox's authorisation page works for a person in a browser: pick or name an
account, Authorize or Deny, and land back on the callback with a code or access_denied."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest


def _authorize_url(sandbox) -> str:
    query = {"response_type": "code", "client_id": "browser-test", "state": "st-1",
             "redirect_uri": "http://callback.test/done", "scope": "read write",
             "code_challenge": "c" * 43, "code_challenge_method": "S256"}
    return f"{sandbox.url}/oauth/authorize?{urlencode(query)}"


@pytest.fixture
def callback(page):
    """Catch the redirect back to the app; returns the query it carried."""
    seen: dict = {}

    def fulfil(route):
        seen.update({k: v[0] for k, v in parse_qs(urlsplit(route.request.url).query).items()})
        route.fulfill(status=200, content_type="text/html", body="<title>done</title>ok")

    page.route("http://callback.test/**", fulfil)
    return seen


def test_person_names_a_new_account_and_authorizes(sandbox, page, callback):
    page.goto(_authorize_url(sandbox))
    page.get_by_label("Username").fill("browser_brand")
    page.get_by_label("Display name").fill("Browser Brand")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url("http://callback.test/**")
    assert callback["state"] == "st-1" and callback["code"]
    assert sandbox.stats()["world"]["accounts"] == 1


def test_person_picks_an_existing_account(sandbox, page, callback):
    sandbox.create_account("known_brand", "Known Brand")
    page.goto(_authorize_url(sandbox))
    page.get_by_label("@known_brand – Known Brand").check()
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url("http://callback.test/**")
    assert callback["code"]
    assert sandbox.stats()["world"]["accounts"] == 1


def test_person_denies(sandbox, page, callback):
    page.goto(_authorize_url(sandbox))
    page.get_by_role("button", name="Deny").click()
    page.wait_for_url("http://callback.test/**")
    assert callback["error"] == "access_denied" and "code" not in callback
