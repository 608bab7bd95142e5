"""Self-hosted servers (issue 13, item 5), through the pages a person uses, with the
platforms faked at the HTTP layer from recorded payloads.

- A refused address says it is not allowed and names SSRF_ALLOW_HOSTS: the Mastodon and
  Bluesky connect forms, webhooks, feeds (never "could not be found").
- With the server named in SSRF_ALLOW_HOSTS (and the development switch off) the same
  forms go on, over plain http where that was typed.
- The Bluesky form's optional PDS address: the handle is resolved (resolveHandle,
  describeRepo) and the session created on that server, without the PLC directory or a
  resolver setting, and the address is kept for the account.
- "View" links: BLUESKY_WEB_URL, or a note that there is no web app.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import responses
from django.urls import reverse

from accounts.models import ConnectedAccount
from api.models import WebhookEndpoint
from content.models import Feed
from platforms.base import Tokens
from platforms.bluesky.records import web_url
from tests.factories import ConnectedAccountFactory
from tests.platforms import mastodon_fake as mastodon

pytestmark = pytest.mark.django_db

BSKY = Path(__file__).resolve().parents[1] / "fixtures" / "bluesky"
PDS = "http://127.0.0.1:2584"  # the recorded DID document names this PDS
DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
HANDLE = "acme.example.org"


def bsky(name: str) -> dict:
    return json.loads((BSKY / f"{name}.json").read_text())


@pytest.fixture(autouse=True)
def _guard(settings):
    settings.SSRF_ALLOW_LOOPBACK = False  # as in production
    settings.SSRF_ALLOW_HOSTS = []
    settings.ATPROTO_PLC_URL = "https://plc.directory"
    settings.ATPROTO_HANDLE_RESOLVER_URL = ""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "self-hosted-tests"}}
    return settings


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def _connect(client, org, key, data):
    return client.post(f"/o/{org.slug}/settings/accounts/connect/{key}/start/", data)


def _says_refused(response, host: str) -> None:
    page = response.content.decode()
    assert response.status_code == 400
    assert f"{host} is not allowed" in page and "SSRF_ALLOW_HOSTS" in page
    assert "could not be found" not in page


# --- refused addresses say so ---------------------------------------------------------------

def test_the_mastodon_form_says_a_private_server_is_not_allowed(org, owner, login):
    response = _connect(login(owner), org, "mastodon", {"instance_url": "http://10.0.0.5"})
    _says_refused(response, "10.0.0.5")
    assert not ConnectedAccount.objects.exists()


def test_the_bluesky_form_says_a_private_pds_is_not_allowed(org, owner, login):
    response = _connect(login(owner), org, "bluesky", {
        "identifier": HANDLE, "password": "abcd-efgh-ijkl-mnop", "pds_url": "https://10.1.2.3"})
    _says_refused(response, "10.1.2.3")
    assert not ConnectedAccount.objects.exists()


def test_a_refused_handle_resolver_is_reported_as_refused_not_as_unknown(
        org, owner, login, settings):
    settings.ATPROTO_HANDLE_RESOLVER_URL = "http://127.0.0.1:2583"
    response = _connect(login(owner), org, "bluesky", {
        "identifier": "nobody.invalid", "password": "abcd-efgh-ijkl-mnop"})
    _says_refused(response, "127.0.0.1")


def test_webhooks_and_feeds_say_which_setting_allows_a_private_target(org, owner, login):
    from tests.factories import ConnectedAccountFactory as Accounts

    client = login(owner)
    response = client.post(reverse("api_webhooks", kwargs={"org_slug": org.slug}), {
        "url": "http://10.0.0.7/hooks/socialmgr", "events": ["post.published"],
        "is_active": "on"})
    _says_refused(response, "10.0.0.7")
    assert not WebhookEndpoint.objects.exists()
    account = Accounts(organization=org)
    response = client.post(f"/o/{org.slug}/settings/feeds/", {
        "url": "http://10.0.0.8/feed.xml", "accounts": [account.pk], "template": "{title}"})
    _says_refused(response, "10.0.0.8")
    assert not Feed.objects.exists()


# --- allowed own servers ------------------------------------------------------------------

def _mastodon_server(rsps):
    rsps.add(responses.GET, f"{mastodon.BASE}/api/v2/instance",
             json=mastodon.fixture("instance_v2"))
    rsps.add(responses.POST, f"{mastodon.BASE}/api/v1/apps",
             json=mastodon.fixture("app_registration"))


def test_a_mastodon_server_named_in_the_allow_list_connects_over_http(
        rsps, org, owner, login, settings):
    settings.SSRF_ALLOW_HOSTS = ["127.0.0.1"]
    _mastodon_server(rsps)
    response = _connect(login(owner), org, "mastodon", {"instance_url": mastodon.BASE})
    assert response.status_code == 200, response.content[:600]
    assert response.context["redirect_url"].startswith(f"{mastodon.BASE}/oauth/authorize?")


def _own_pds(rsps, pds: str = PDS):
    rsps.add(responses.GET, f"{pds}/xrpc/com.atproto.identity.resolveHandle",
             json={"did": DID}, match=[responses.matchers.query_param_matcher(
                 {"handle": HANDLE})])
    rsps.add(responses.GET, f"{pds}/xrpc/com.atproto.repo.describeRepo",
             json=bsky("describe_repo"), match=[responses.matchers.query_param_matcher(
                 {"repo": DID})])
    rsps.add(responses.POST, f"{pds}/xrpc/com.atproto.server.createSession",
             json=bsky("create_session"), match=[responses.matchers.json_params_matcher(
                 {"identifier": DID, "password": "abcd-efgh-ijkl-mnop"})])
    rsps.add(responses.GET, f"{pds}/xrpc/app.bsky.actor.getProfile", json=bsky("get_profile"))


def test_the_bluesky_form_resolves_and_signs_in_through_the_named_pds(
        rsps, org, owner, login, settings):
    """No PLC directory and no resolver setting: only the PDS the admin named is asked."""
    settings.SSRF_ALLOW_HOSTS = ["127.0.0.1"]
    _own_pds(rsps)
    client = login(owner)
    response = _connect(client, org, "bluesky", {
        "identifier": f"@{HANDLE}", "password": "abcd-efgh-ijkl-mnop", "pds_url": f"{PDS}/"})
    assert response.status_code == 302, response.content[:800]
    assert {c.request.url.split("/xrpc/")[0] for c in rsps.calls} == {PDS}
    account = ConnectedAccount.objects.get(organization=org)
    assert (account.external_id, account.handle) == (DID, HANDLE)
    assert account.settings["chosen_pds_url"] == PDS and account.settings["pds_url"] == PDS
    # Reconnecting offers the same server.
    page = client.get(f"/o/{org.slug}/settings/accounts/connect/bluesky/?account={account.pk}")
    assert page.status_code == 200 and f'value="{PDS}"' in page.content.decode()


def test_a_pds_address_that_is_no_address_is_a_form_error(org, owner, login):
    response = _connect(login(owner), org, "bluesky", {
        "identifier": HANDLE, "password": "abcd-efgh-ijkl-mnop",
        "pds_url": "https://pds.example.org/some/path"})
    assert response.status_code == 400
    assert "is not a server address" in response.content.decode()


def test_the_named_pds_is_kept_when_a_session_names_another(rsps, settings):
    from platforms.bluesky.session import pds_url

    account = ConnectedAccountFactory(provider="bluesky", external_id=DID, settings={
        "did": DID, "chosen_pds_url": "http://pds.internal:2583", "pds_url": PDS})
    account.set_tokens(Tokens(access_token="a", extra={"pds_url": "https://elsewhere.example"}))
    assert pds_url(account) == "http://pds.internal:2583"


# --- "View" links -------------------------------------------------------------------------

def test_bluesky_links_use_the_configured_web_app(settings):
    assert web_url(HANDLE, "3lc3q") == f"https://bsky.app/profile/{HANDLE}/post/3lc3q"
    settings.BLUESKY_WEB_URL = "https://social.corp.example/"
    assert web_url(HANDLE, "3lc3q") == \
        f"https://social.corp.example/profile/{HANDLE}/post/3lc3q"
    settings.BLUESKY_WEB_URL = ""
    assert web_url(HANDLE, "3lc3q") == ""


def test_without_a_web_app_the_post_says_so_instead_of_linking_to_bsky_app(
        org, owner, login, settings):
    from content.models import PostTarget
    from content.services.posts import PostData, post_create

    settings.BLUESKY_WEB_URL = ""
    account = ConnectedAccountFactory(organization=org, provider="bluesky", external_id=DID,
                                      handle=HANDLE, settings={"did": DID, "pds_url": PDS})
    post = post_create(organization=org, actor=owner,
                       data=PostData(text="Hello", account_ids=[account.pk]))
    PostTarget.objects.filter(post=post).update(status="published", remote_url="",
                                                remote_id=f"at://{DID}/app.bsky.feed.post/3l")
    page = login(owner).get(reverse("post_detail", kwargs={"org_slug": org.slug, "pk": post.pk}))
    html = page.content.decode()
    assert "bsky.app" not in html and "has no web app" in html
