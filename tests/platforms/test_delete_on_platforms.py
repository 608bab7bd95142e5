"""Deleting a published post, per platform, against HTTP fakes shaped like each platform's
documented answers. An already-deleted post counts as deleted everywhere (a retry after a
lost answer must not fail); a real refusal is a Rejected with the platform's reason."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
import responses

from platforms.errors import AuthExpired, NotSupported, Rejected
from platforms.linkedin import LinkedInProvider
from platforms.mastodon import MastodonProvider
from platforms.meta import FacebookPageProvider, InstagramProvider
from platforms.x import XProvider
from tests.platforms import mastodon_fake, x_fake
from tests.platforms import meta_harness as meta
from tests.platforms import test_linkedin as li

pytestmark = pytest.mark.django_db

FB_POST = f"{meta.PAGE_ID}_987654321098765"
TWEET = "1445880548472328192"


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture(autouse=True)
def _apps(settings, monkeypatch):
    settings.SSRF_ALLOW_LOOPBACK = True  # the Mastodon fake listens on loopback
    settings.LINKEDIN_CLIENT_ID = "86abcdef0123xy"
    settings.LINKEDIN_CLIENT_SECRET = "linkedin-secret"
    settings.LINKEDIN_API_VERSION = "202510"
    monkeypatch.setenv("X_CLIENT_ID", "x-client-id")
    monkeypatch.setenv("X_CLIENT_SECRET", "x-client-secret-value")


# --- Mastodon: DELETE /api/v1/statuses/:id ----------------------------------------------------

def test_mastodon_deletes_the_status_and_a_missing_one_counts_as_deleted(rsps):
    account = mastodon_fake.make_account()
    url = f"{mastodon_fake.BASE}/api/v1/statuses/109372843234"
    rsps.add("DELETE", url, json=mastodon_fake.fixture("status_created"))
    rsps.add("DELETE", url, json=mastodon_fake.fixture("error_record_not_found"), status=404)
    MastodonProvider().delete(account, "109372843234")
    MastodonProvider().delete(account, "109372843234")
    assert [c.request.method for c in rsps.calls] == ["DELETE", "DELETE"]
    assert rsps.calls[0].request.headers["Authorization"] == f"Bearer {mastodon_fake.TOKEN}"


def test_mastodon_revoked_token_is_auth_expired(rsps):
    rsps.add("DELETE", f"{mastodon_fake.BASE}/api/v1/statuses/1",
             json=mastodon_fake.fixture("error_invalid_token"), status=401)
    with pytest.raises(AuthExpired):
        MastodonProvider().delete(mastodon_fake.make_account(), "1")


# --- X: DELETE /2/tweets/:id ------------------------------------------------------------------

def test_x_deletes_the_tweet_and_a_missing_one_counts_as_deleted(rsps):
    account = x_fake.make_account()
    url = f"{x_fake.API}/2/tweets/{TWEET}"
    rsps.add("DELETE", url, json=x_fake.fixture("tweet_deleted"))
    rsps.add("DELETE", url, json=x_fake.fixture("error_tweet_not_found"), status=404)
    XProvider().delete(account, TWEET)
    XProvider().delete(account, TWEET)
    assert len(rsps.calls) == 2


def test_x_answer_deleted_false_is_a_refusal(rsps):
    rsps.add("DELETE", f"{x_fake.API}/2/tweets/{TWEET}", json={"data": {"deleted": False}})
    with pytest.raises(Rejected, match="did not delete"):
        XProvider().delete(x_fake.make_account(), TWEET)


# --- LinkedIn: DELETE /rest/posts/{urn} -------------------------------------------------------

def test_linkedin_deletes_by_encoded_urn_and_404_counts_as_deleted(rsps):
    account = li.make_account("li-token-abc")
    url = f"{li.REST}/posts/{li._enc(li.POST)}"
    rsps.add("DELETE", url, status=204)
    rsps.add("DELETE", url, json=li.load("error_404"), status=404)
    LinkedInProvider().delete(account, li.POST)
    LinkedInProvider().delete(account, li.POST)
    assert unquote(rsps.calls[0].request.url.rsplit("/", 1)[1]) == li.POST
    assert rsps.calls[0].request.headers["X-Restli-Protocol-Version"] == "2.0.0"


def test_linkedin_permission_refusal_keeps_linkedins_reason(rsps):
    rsps.add("DELETE", f"{li.REST}/posts/{li._enc(li.POST)}", json=li.load("error_403"),
             status=403)
    with pytest.raises(Rejected, match="Not enough permissions"):
        LinkedInProvider().delete(li.make_account("li-token-abc"), li.POST)


# --- Facebook: DELETE /{post-id} -------------------------------------------------------------

def test_facebook_deletes_the_post_and_does_not_exist_counts_as_deleted(rsps):
    account = meta.make_account("facebook", meta.PAGE_ID, "page-token-xyz", handle="acmegmbh")
    rsps.add("DELETE", f"{meta.G}/{FB_POST}", json=meta.load("success"))
    rsps.add("DELETE", f"{meta.G}/{FB_POST}", json=meta.load("error_100_33_does_not_exist"),
             status=400)
    FacebookPageProvider().delete(account, FB_POST)
    FacebookPageProvider().delete(account, FB_POST)
    assert len(rsps.calls) == 2


def test_facebook_other_refusals_are_rejected_with_metas_message(rsps):
    account = meta.make_account("facebook", meta.PAGE_ID, "page-token-xyz", handle="acmegmbh")
    rsps.add("DELETE", f"{meta.G}/{FB_POST}", json=meta.load("error_200_permission"),
             status=403)
    with pytest.raises(Rejected):
        FacebookPageProvider().delete(account, FB_POST)


# --- Instagram: no delete in the Graph API ----------------------------------------------------

def test_instagram_cannot_delete_and_says_so_without_calling(rsps):
    account = meta.make_account("instagram", meta.IG_ID, "page-token-xyz", handle="acme")
    assert InstagramProvider.supports_delete is False
    with pytest.raises(NotSupported, match="Instagram app"):
        InstagramProvider().delete(account, "17895695668004550")
    assert len(rsps.calls) == 0
