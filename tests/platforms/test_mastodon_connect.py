"""Mastodon connect flow: instance checks, cached app registration, state and PKCE."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from platforms.errors import Rejected
from platforms.mastodon import MastodonProvider
from platforms.mastodon.instance import normalise_instance_url
from tests.platforms import mastodon_fake as fake

REDIRECT = "https://socialmgr.example/accounts/connect/mastodon/callback/"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mastodon_settings(settings):
    settings.SSRF_ALLOW_LOOPBACK = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "mastodon-connect-tests"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def arrange_server(rsps, *, metadata: bool = True):
    fake.add_instance(rsps)
    if metadata:
        rsps.add(responses.GET, f"{fake.BASE}/.well-known/oauth-authorization-server",
                 json={**fake.fixture("oauth_server_metadata"),
                       "authorization_endpoint": f"{fake.BASE}/oauth/authorize",
                       "token_endpoint": f"{fake.BASE}/oauth/token"})
    else:
        rsps.add(responses.GET, f"{fake.BASE}/.well-known/oauth-authorization-server",
                 status=404, json=fake.fixture("error_record_not_found"))
    rsps.add(responses.POST, f"{fake.BASE}/api/v1/apps", json=fake.fixture("app_registration"))


def test_start_registers_once_per_instance_and_uses_pkce(rsps):
    arrange_server(rsps)
    provider = MastodonProvider()
    first = provider.connect_start(redirect_uri=REDIRECT, form_data={"instance_url": fake.BASE})
    second = provider.connect_start(redirect_uri=REDIRECT,
                                    form_data={"instance_url": f"{fake.BASE}/"})
    registrations = [c for c in rsps.calls if c.request.url.endswith("/api/v1/apps")]
    assert len(registrations) == 1
    sent = fake.sent_json(registrations[0])
    assert sent["redirect_uris"] == REDIRECT
    assert "write:statuses" in sent["scopes"] and "write:media" in sent["scopes"]
    query = parse_qs(urlsplit(first.redirect_url).query)
    assert first.redirect_url.startswith(f"{fake.BASE}/oauth/authorize?")
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"] == [first.state["state"]]
    assert query["client_id"] == [fake.fixture("app_registration")["client_id"]]
    assert first.state["state"] != second.state["state"]
    # the client secret is remembered only encrypted
    assert fake.fixture("app_registration")["client_secret"] not in str(first.state)


def test_start_without_oauth_metadata_falls_back_to_plain_code_flow(rsps):
    arrange_server(rsps, metadata=False)
    start = MastodonProvider().connect_start(redirect_uri=REDIRECT,
                                             form_data={"instance_url": fake.BASE})
    query = parse_qs(urlsplit(start.redirect_url).query)
    assert "code_challenge" not in query and "code_verifier" not in start.state


def test_complete_exchanges_code_with_verifier_and_reads_the_account(rsps):
    arrange_server(rsps)
    provider = MastodonProvider()
    start = provider.connect_start(redirect_uri=REDIRECT, form_data={"instance_url": fake.BASE})
    rsps.add(responses.POST, f"{fake.BASE}/oauth/token", json=fake.fixture("token"))
    rsps.add(responses.GET, f"{fake.BASE}/api/v1/accounts/verify_credentials",
             json=fake.fixture("verify_credentials"))
    result = provider.connect_complete(redirect_uri=REDIRECT, state=start.state,
                                       params={"code": "abc", "state": start.state["state"]})
    token_call = next(c for c in rsps.calls if c.request.url.endswith("/oauth/token"))
    form = parse_qs(token_call.request.body)
    assert form["code_verifier"] == [start.state["code_verifier"]]
    assert form["grant_type"] == ["authorization_code"]
    assert result.tokens.access_token == fake.fixture("token")["access_token"]
    assert result.tokens.expires_at is None  # Mastodon tokens live until revoked
    assert result.account.handle == "@acme@social.example"
    assert result.account.external_id == "109302848239512345@social.example"
    assert result.settings["account_id"] == "109302848239512345"
    assert result.settings["configuration"]["statuses"]["max_characters"] == 1000


@pytest.mark.parametrize("params", [
    {"error": "access_denied", "error_description": "The resource owner denied the request."},
    {"code": "abc", "state": "forged"},
    {"code": "abc"},
])
def test_denied_or_tampered_callback_connects_nothing(rsps, params):
    arrange_server(rsps)
    provider = MastodonProvider()
    start = provider.connect_start(redirect_uri=REDIRECT, form_data={"instance_url": fake.BASE})
    with pytest.raises(Rejected):
        provider.connect_complete(redirect_uri=REDIRECT, state=start.state, params=params)
    assert not any(c.request.url.endswith("/oauth/token") for c in rsps.calls)


def test_refused_code_is_a_clear_rejection(rsps):
    arrange_server(rsps)
    provider = MastodonProvider()
    start = provider.connect_start(redirect_uri=REDIRECT, form_data={"instance_url": fake.BASE})
    rsps.add(responses.POST, f"{fake.BASE}/oauth/token", status=400,
             json=fake.fixture("oauth_error_invalid_grant"))
    with pytest.raises(Rejected) as info:
        provider.connect_complete(redirect_uri=REDIRECT, state=start.state,
                                  params={"code": "old", "state": start.state["state"]})
    assert "authorization grant is invalid" in info.value.reason


def test_a_server_that_is_not_mastodon_is_a_form_error(rsps):
    rsps.add(responses.GET, f"{fake.BASE}/api/v2/instance", status=404,
             body="<html>Not found</html>")
    rsps.add(responses.GET, f"{fake.BASE}/api/v1/instance", status=200,
             body="<html>My blog</html>", content_type="text/html")
    with pytest.raises(Rejected) as info:
        MastodonProvider().connect_start(redirect_uri=REDIRECT,
                                         form_data={"instance_url": fake.BASE})
    assert "does not look like a Mastodon-compatible server" in info.value.reason
    assert not any(c.request.url.endswith("/api/v1/apps") for c in rsps.calls)


def test_an_unreachable_server_is_a_form_error(rsps):
    rsps.add(responses.GET, f"{fake.BASE}/api/v2/instance",
             body=requests.ConnectionError("connection refused"))
    with pytest.raises(Rejected) as info:
        MastodonProvider().connect_start(redirect_uri=REDIRECT,
                                         form_data={"instance_url": fake.BASE})
    assert "could not be reached" in info.value.reason


def test_v1_only_server_is_accepted_with_default_limits(rsps):
    rsps.add(responses.GET, f"{fake.BASE}/api/v2/instance", status=404,
             json=fake.fixture("error_record_not_found"))
    rsps.add(responses.GET, f"{fake.BASE}/api/v1/instance", json=fake.fixture("instance_v1"))
    rsps.add(responses.GET, f"{fake.BASE}/.well-known/oauth-authorization-server", status=404)
    rsps.add(responses.POST, f"{fake.BASE}/api/v1/apps", json=fake.fixture("app_registration"))
    start = MastodonProvider().connect_start(redirect_uri=REDIRECT,
                                             form_data={"instance_url": fake.BASE})
    assert start.state["domain"] == "old.example" and start.state["configuration"] == {}


@pytest.mark.parametrize("typed", ["http://10.0.0.5", "https://192.168.1.1/", "ftp://x.example",
                                   "", "https://user:pw@example.com"])
def test_private_or_odd_addresses_are_refused(typed, settings):
    settings.SSRF_ALLOW_LOOPBACK = False
    with pytest.raises(Rejected):
        normalise_instance_url(typed)


def test_loopback_is_refused_unless_allowed(settings):
    settings.SSRF_ALLOW_LOOPBACK = False
    with pytest.raises(Rejected):
        normalise_instance_url("http://127.0.0.1:3999")
    settings.SSRF_ALLOW_LOOPBACK = True
    assert normalise_instance_url("http://127.0.0.1:3999/some/path") == fake.BASE


def test_setup_help_needs_no_credentials():
    help_ = MastodonProvider().setup_help(redirect_uri=REDIRECT)
    assert help_.needs_credentials is False and help_.redirect_uri == REDIRECT
    assert "write:statuses" in help_.scopes
