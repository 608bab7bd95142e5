"""A self-hosted PDS named in the connect form, against the real reference PDS (tests/pds).

The installation is set up as for its own PDS in production: no loopback switch, no PLC
directory it could reach, no handle-resolver setting — only the PDS's host in
SSRF_ALLOW_HOSTS. The form's PDS address then resolves the handle and creates the
session on that server (issue 13, item 5).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from accounts.models import ConnectedAccount
from platforms.base import PublishRequest
from platforms.bluesky import BlueskyProvider
from tests.pds.harness import Pds

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def own_pds(atproto_network, settings) -> Pds:
    settings.SSRF_ALLOW_LOOPBACK = False
    settings.SSRF_ALLOW_HOSTS = [urlsplit(atproto_network.pds_url).hostname]
    settings.ATPROTO_PLC_URL = "http://plc.invalid"  # would fail if it were asked
    settings.ATPROTO_HANDLE_RESOLVER_URL = ""
    settings.ATPROTO_APPVIEW_PROXY = (f"{atproto_network.appview_did}#bsky_appview"
                                      if atproto_network.appview_did else "")
    return Pds(atproto_network)


def _connect(client, org, **data):
    return client.post(f"/o/{org.slug}/settings/accounts/connect/bluesky/start/", data)


def test_the_form_connects_through_the_named_pds_and_the_account_publishes(
        own_pds, org, owner, login, settings):
    user = own_pds.create_user("own")
    response = _connect(login(owner), org, identifier=user.handle,
                        password=user.app_password, pds_url=own_pds.url)
    assert response.status_code == 302, response.content.decode()[-1500:]
    account = ConnectedAccount.objects.get(organization=org, provider="bluesky")
    assert (account.external_id, account.handle) == (user.did, user.handle)
    assert account.settings["chosen_pds_url"] == own_pds.url.rstrip("/")
    post = BlueskyProvider().publish(account, PublishRequest(text="From our own server",
                                                             idempotency_key="own-pds-1"))
    record = own_pds.get_record(post.id)
    assert record["value"]["text"] == "From our own server"
    assert post.url == f"https://bsky.app/profile/{user.handle}/post/{post.id.rsplit('/')[-1]}"
    settings.BLUESKY_WEB_URL = ""  # a network without a web app: no link at all
    again = BlueskyProvider().publish(account, PublishRequest(text="No web app here",
                                                              idempotency_key="own-pds-2"))
    assert again.url == ""


def test_without_the_allowance_the_form_says_the_pds_is_not_allowed(own_pds, org, owner,
                                                                      login, settings):
    settings.SSRF_ALLOW_HOSTS = []
    user = own_pds.shared_user("refused")
    response = _connect(login(owner), org, identifier=user.handle,
                        password=user.app_password, pds_url=own_pds.url)
    page = response.content.decode()
    assert response.status_code == 400
    assert "is not allowed" in page and "SSRF_ALLOW_HOSTS" in page
    assert not ConnectedAccount.objects.filter(organization=org).exists()


def test_a_handle_the_named_pds_does_not_know_is_a_form_error(own_pds, org, owner, login):
    response = _connect(login(owner), org, identifier="nobody-here.test",
                        password="abcd-efgh-ijkl-mnop", pds_url=own_pds.url)
    assert response.status_code == 400
    assert "does not know the handle nobody-here.test" in response.content.decode()
