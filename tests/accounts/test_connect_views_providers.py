"""The generic connect views with real connectors, faked at the HTTP layer (`responses`) with
the recorded platform payloads: Mastodon gets the instance URL as form data; LinkedIn and
Meta logins offer several accounts, shown on the choice step while their tokens stay
encrypted in the server-side session until the admin picks."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from accounts.models import AuditEntry, ConnectedAccount
from tests.platforms import mastodon_fake as mastodon
from tests.platforms.meta_harness import PAGE_ID, G
from tests.platforms.meta_harness import load as meta
from tests.platforms.test_linkedin import REST
from tests.platforms.test_linkedin import load as linkedin

pytestmark = pytest.mark.django_db


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture(autouse=True)
def _apps(settings):
    settings.LINKEDIN_CLIENT_ID = "86abcdef0123xy"
    settings.LINKEDIN_CLIENT_SECRET = "linkedin-secret"
    settings.LINKEDIN_API_VERSION = "202510"
    settings.META_APP_ID = "1234567890"
    settings.META_APP_SECRET = "meta-app-secret"
    settings.META_GRAPH_VERSION = "v23.0"
    settings.SSRF_ALLOW_LOOPBACK = True  # the fake Mastodon server is on loopback
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "connect-view-tests"}}


def start(client, org, key: str, **data) -> str:
    response = client.post(f"/o/{org.slug}/settings/accounts/connect/{key}/start/", data)
    assert response.status_code == 200, response.content[:800]
    return response.context["redirect_url"]


def come_back(client, key: str, authorize_url: str, **params):
    state = parse_qs(urlsplit(authorize_url).query)["state"][0]
    response = client.get(f"/connect/{key}/callback/", {"state": state, "code": "the-code",
                                                        **params})
    assert response.status_code == 302
    return client.get(response["Location"])


def session_text(client) -> str:
    return json.dumps(dict(client.session), default=str)


# --- LinkedIn: the member and the pages they administer ----------------------------------

def _linkedin_login(rsps):
    rsps.add("POST", "https://www.linkedin.com/oauth/v2/accessToken", json=linkedin("token"))
    rsps.add("GET", "https://api.linkedin.com/v2/userinfo", json=linkedin("userinfo"))
    rsps.add("GET", f"{REST}/organizationAcls", json=linkedin("organization_acls"))
    rsps.add("GET", f"{REST}/organizations/2414183", json=linkedin("organization_2414183"))
    rsps.add("GET", f"{REST}/organizations/5515715", json=linkedin("organization_5515715"))


def test_linkedin_login_offers_member_and_pages_and_connects_the_chosen_page(
        rsps, org, owner, login):
    client = login(owner)
    authorize = start(client, org, "linkedin")
    assert authorize.startswith("https://www.linkedin.com/oauth/v2/authorization?")
    _linkedin_login(rsps)
    page = come_back(client, "linkedin", authorize)
    assert page.status_code == 302 and page["Location"].endswith("/connect/linkedin/choose/")

    choose = client.get(page["Location"])
    html = choose.content.decode()
    assert "Mara Schulz (your LinkedIn profile)" in html
    assert "Acme GmbH (LinkedIn page)" in html
    token = linkedin("token")["access_token"]
    assert token not in html
    assert token not in session_text(client)  # encrypted while the admin decides
    assert not ConnectedAccount.objects.exists()

    response = client.post(page["Location"], {"choice": ["1"]})
    assert response.status_code == 302
    account = ConnectedAccount.objects.get(organization=org)
    assert account.provider == "linkedin" and account.display_name == "Acme GmbH"
    assert account.external_id == "urn:li:organization:2414183"
    assert account.settings["author_urn"] == "urn:li:organization:2414183"
    assert account.get_access_token() == token and account.token_expires_at is not None
    assert "connect_choices:linkedin" not in client.session  # nothing left behind
    assert AuditEntry.objects.filter(verb="accounts.account.connected").count() == 1


def test_choosing_nothing_is_an_error_and_connects_nothing(rsps, org, owner, login):
    client = login(owner)
    authorize = start(client, org, "linkedin")
    _linkedin_login(rsps)
    url = come_back(client, "linkedin", authorize)["Location"]
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Choose at least one account." in response.content.decode()
    response = client.post(url, {"choice": ["7"]})  # not one of the offered accounts
    assert response.status_code == 400
    assert not ConnectedAccount.objects.exists()


def test_choices_of_one_organisation_are_not_offered_in_another(rsps, org, other_org, owner,
                                                                login, member_of):
    from accounts.models import Membership

    client = login(owner)
    Membership.objects.create(user=owner, organization=other_org, role="owner")
    authorize = start(client, org, "linkedin")
    _linkedin_login(rsps)
    come_back(client, "linkedin", authorize)
    response = client.get(f"/o/{other_org.slug}/settings/accounts/connect/linkedin/choose/")
    assert response.status_code == 302  # "this choice has expired", nothing to pick
    assert not ConnectedAccount.objects.exists()


# --- Meta: the Facebook pages the user may post to ------------------------------------

def test_facebook_login_offers_postable_pages_and_connects_with_the_page_token(
        rsps, org, owner, login):
    client = login(owner)
    authorize = start(client, org, "facebook")
    assert urlsplit(authorize).netloc == "www.facebook.com"
    rsps.add("GET", f"{G}/oauth/access_token", json=meta("oauth_token"))
    rsps.add("GET", f"{G}/oauth/access_token", json=meta("oauth_long_lived"))
    rsps.add("GET", f"{G}/me/accounts", json=meta("me_accounts"))
    url = come_back(client, "facebook", authorize)["Location"]
    html = client.get(url).content.decode()
    assert "Acme GmbH" in html
    assert "Bäckerei Sonnenschein" not in html  # no CREATE_CONTENT task: not offered
    page_token = "EAAGm0PX4ZCpsBAPageTokenAcme"
    assert page_token not in html and page_token not in session_text(client)

    client.post(url, {"choice": ["0"]})
    account = ConnectedAccount.objects.get(organization=org)
    assert (account.provider, account.external_id) == ("facebook", PAGE_ID)
    assert account.get_access_token() == page_token


def test_denied_facebook_login_shows_a_message_and_connects_nothing(rsps, org, owner, login):
    client = login(owner)
    authorize = start(client, org, "facebook")
    page = come_back(client, "facebook", authorize, code="", error="access_denied",
                     error_reason="user_denied")
    assert page.status_code == 302
    shown = client.get(page["Location"]).content.decode()
    assert "nothing was connected" in shown
    assert not ConnectedAccount.objects.exists() and len(rsps.calls) == 0


# --- Mastodon: any instance, named in the connect form ---------------------------------

def _mastodon_server(rsps):
    mastodon.add_instance(rsps)
    rsps.add(responses.GET, f"{mastodon.BASE}/.well-known/oauth-authorization-server",
             json={**mastodon.fixture("oauth_server_metadata"),
                   "authorization_endpoint": f"{mastodon.BASE}/oauth/authorize",
                   "token_endpoint": f"{mastodon.BASE}/oauth/token"})
    rsps.add(responses.POST, f"{mastodon.BASE}/api/v1/apps",
             json=mastodon.fixture("app_registration"))


def test_mastodon_instance_from_the_form_reaches_the_connector(rsps, org, owner, login):
    client = login(owner)
    _mastodon_server(rsps)
    authorize = start(client, org, "mastodon", instance_url=mastodon.BASE)
    assert authorize.startswith(f"{mastodon.BASE}/oauth/authorize?")
    registration = next(c for c in rsps.calls if c.request.url.endswith("/api/v1/apps"))
    assert json.loads(registration.request.body)["redirect_uris"] == \
        "http://127.0.0.1:8000/connect/mastodon/callback/"
    rsps.add(responses.POST, f"{mastodon.BASE}/oauth/token", json=mastodon.fixture("token"))
    rsps.add(responses.GET, f"{mastodon.BASE}/api/v1/accounts/verify_credentials",
             json=mastodon.fixture("verify_credentials"))
    come_back(client, "mastodon", authorize)
    account = ConnectedAccount.objects.get(organization=org)
    assert account.handle == "@acme@social.example"
    assert account.settings["instance_url"] == mastodon.BASE
    assert account.get_access_token() == mastodon.fixture("token")["access_token"]


def test_unreachable_mastodon_server_is_a_form_error(rsps, org, owner, login):
    rsps.add(responses.GET, f"{mastodon.BASE}/api/v2/instance",
             body=requests.ConnectionError("connection refused"))
    response = login(owner).post(f"/o/{org.slug}/settings/accounts/connect/mastodon/start/",
                                 {"instance_url": mastodon.BASE})
    assert response.status_code == 400
    assert "could not be reached" in response.content.decode()
    assert not ConnectedAccount.objects.exists()
