"""A sandbox account shaped like another network says so next to its handle."""

import pytest
from django.utils import translation

from tests.factories import ConnectedAccountFactory

pytestmark = pytest.mark.django_db


def test_the_accounts_page_names_the_network_a_sandbox_account_is_shaped_like(login, owner,
                                                                              org):
    ConnectedAccountFactory(organization=org, provider="sandbox", handle="@sky",
                            settings={"shape": {"key": "bluesky"}})
    ConnectedAccountFactory(organization=org, provider="sandbox", handle="@plain")
    client = login(owner)
    html = client.get(f"/o/{org.slug}/settings/accounts/").content.decode()
    assert "Sandbox (like Bluesky) · @sky" in html
    assert "Sandbox · @plain" in html
    with translation.override("de"):
        html = client.get(f"/o/{org.slug}/settings/accounts/",
                          HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Sandbox (wie Bluesky) · @sky" in html
