"""Listening end to end against the live sandbox: a saved search is added in the settings,
the beat polls it, public posts arrive as listening items, and trends show the rising tag."""

import pytest
from django.urls import reverse

from inbox.models import InboxCursor, InboxItem, ItemKind, SavedSearch, search_source
from inbox.services import inbox_enqueue_due_searches, inbox_poll_cursor

DAY = 86400


@pytest.mark.django_db(transaction=True)
def test_saved_search_to_trends(sandbox, connect_sandbox_account, org, owner, login):
    sandbox.knobs(public_per_hour=0)  # only the posts below
    account = connect_sandbox_account(org, "acme_coffee", display_name="Acme Coffee")
    # The week before last: #latteart is the talk of the town, #coldbrew barely mentioned.
    for n in range(3):
        sandbox.public_post(f"latte {n} #latteart", author="lena@fediverse.example",
                            ago_s=10 * DAY + n * 60)
    sandbox.public_post("an early #coldbrew", author="sam@toot.example", ago_s=9 * DAY)
    # This week #coldbrew takes off.
    for n in range(4):
        sandbox.public_post(f"cup {n} #coldbrew <script>alert(1)</script>",
                            author="marco@social.example", ago_s=2 * DAY - n * 3600)
    client = login(owner)
    answer = client.post(reverse("inbox_settings", kwargs={"org_slug": org.slug}), {
        "section": "search", "search-name": "Coffee tags", "search-query": "#coldbrew",
        "search-accounts": [account.pk], "search-enabled": "on"})
    assert answer.status_code == 302
    second = SavedSearch.objects.create(organization=org, name="Latte", query="#latteart")
    second.accounts.add(account)

    polled = inbox_enqueue_due_searches()  # the beat; tasks run eagerly in tests
    assert len(polled) == 2
    items = InboxItem.objects.filter(account=account, kind=ItemKind.LISTENING)
    assert items.count() == 8
    assert items.filter(text__contains="#coldbrew").count() == 5
    search = SavedSearch.objects.get(name="Coffee tags")
    cursor = InboxCursor.objects.get(account=account, source=search_source(search.pk))
    assert cursor.cursor and cursor.backoff == 0 and not cursor.disabled

    # New posts arrive on the next poll, nothing twice.
    sandbox.public_post("fresh #coldbrew", author="aiko@mastodon.example")
    result = inbox_poll_cursor(cursor_id=cursor.pk)
    assert (result.outcome, result.created) == ("ok", 1)
    assert items.count() == 9

    body = client.get(reverse("inbox_trends", kwargs={"org_slug": org.slug})).content.decode()
    rising = body[body.index("Rising hashtags"):body.index("Rising terms")]
    assert "#coldbrew" in rising and "#latteart" not in rising
    top = body[body.index("Top hashtags"):body.index("Top terms")]
    assert "#latteart" in top

    listing = client.get(reverse("inbox", kwargs={"org_slug": org.slug}),
                         {"kind": "listening", "status": "all"}).content.decode()
    assert "fresh #coldbrew" in listing
    assert "<script>alert(1)</script>" not in listing
