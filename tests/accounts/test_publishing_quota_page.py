"""The accounts page shows a platform's publishing allowance where it reports one (Threads)."""

import pytest
import responses
from django.core.cache import cache

from platforms.base import Tokens
from tests.factories import ConnectedAccountFactory
from tests.platforms.threads_harness import API, USER_ID, load


@pytest.fixture
def threads_account(org):
    cache.clear()
    account = ConnectedAccountFactory(organization=org, provider="threads", external_id=USER_ID,
                                      handle="acme.gmbh", settings={"username": "acme.gmbh"})
    account.set_tokens(Tokens(access_token="threads-token", refresh_token="threads-token"))
    account.save()
    return account


@responses.activate
def test_threads_quota_is_shown_and_a_full_one_says_what_happens(org, owner, login,
                                                                 threads_account):
    responses.add("GET", f"{API}/{USER_ID}/threads_publishing_limit",
                  json=load("publishing_limit_exhausted"))
    page = login(owner).get(f"/o/{org.slug}/settings/accounts/").content.decode()
    assert "250 of 250 posts in the last 24 hours" in page
    assert "12 of 1,000 replies in the last 24 hours" in page
    assert "new posts wait until older ones leave the window" in page
    # The reading is kept for a while: a second view asks Threads nothing.
    login(owner).get(f"/o/{org.slug}/settings/accounts/")
    assert len(responses.calls) == 1


@responses.activate
def test_page_still_shows_when_threads_cannot_be_asked(org, owner, login, threads_account):
    responses.add("GET", f"{API}/{USER_ID}/threads_publishing_limit",
                  json=load("error_2_service"), status=500)
    response = login(owner).get(f"/o/{org.slug}/settings/accounts/")
    assert response.status_code == 200
    assert "acme.gmbh" in response.content.decode()
    assert "Publishing limit" not in response.content.decode()


def test_german_quota_text(org, owner, login, threads_account):
    from platforms.base import PublishingQuota
    from platforms.threads.publishing import quota_cache_key

    cache.set(quota_cache_key(threads_account), [PublishingQuota("posts", 4, 250)], 60)
    client = login(owner)
    page = client.get(f"/o/{org.slug}/settings/accounts/",
                      HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "4 von 250 Beiträgen in den letzten 24 Stunden" in page
