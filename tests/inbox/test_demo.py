"""The demo's listening: saved searches backfilled from the sandbox's month of chatter."""

import pytest

from inbox.demo import SEARCHES, seed
from inbox.models import InboxItem, ItemKind, SavedSearch
from inbox.trends import listening_trends


@pytest.mark.django_db(transaction=True)
def test_demo_searches_fill_listening_and_trends(sandbox, connect_sandbox_account, org):
    sandbox.knobs(public_per_hour=6, public_backfill_days=16)
    connect_sandbox_account(org, "acme_coffee", display_name="Acme Coffee")
    seed(org, {})
    assert SavedSearch.objects.for_org(org).count() == len(SEARCHES)
    listening = InboxItem.objects.filter(organization=org, kind=ItemKind.LISTENING)
    assert listening.count() > 100  # weeks of posts, not only the newest page
    trends = listening_trends(org)
    assert trends.rising_hashtags and trends.rising_hashtags[0].term == "#coldbrew"
    seed(org, {})  # again: nothing doubles
    assert SavedSearch.objects.for_org(org).count() == len(SEARCHES)
