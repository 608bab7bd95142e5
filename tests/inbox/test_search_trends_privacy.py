import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from inbox.models import AutomationRule, InboxItem, InboxSettings
from inbox.selectors import ItemFilters, filtered_items
from inbox.services import inbox_purge_expired
from inbox.trends import listening_trends
from tests.factories import ConnectedAccountFactory
from tests.inbox.factories import InboxItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(org):
    return ConnectedAccountFactory(organization=org)


@pytest.mark.postgres
def test_full_text_search_uses_the_gin_index_expression(org, account):
    from django.db import connection

    InboxItemFactory(organization=org, account=account, text="Where is my parcel?")
    InboxItemFactory(organization=org, account=account, text="Lovely coffee",
                     author_name="Parcel Fan")
    InboxItemFactory(organization=org, account=account, text="unrelated")
    found = filtered_items(org, ItemFilters(status="", q="parcel"))
    assert found.count() == 2
    assert filtered_items(org, ItemFilters(status="", q='"lovely coffee"')).count() == 1
    with connection.cursor() as cur:
        cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'inbox_item_fts'")
        (indexdef,) = cur.fetchone()
    assert "gin" in indexdef.lower() and "to_tsvector" in indexdef
    sql = str(found.query).lower()
    assert "to_tsvector" in sql and "websearch_to_tsquery" in sql


def test_trends_show_rising_hashtags_and_terms(org, account):
    now = timezone.now()
    for days, text in [(1, "#espresso morning"), (2, "#espresso again"), (3, "#espresso yes"),
                       (9, "#latte old news"), (10, "#latte more"), (2, "#latte once"),
                       (20, "#espresso monthly")]:
        InboxItemFactory(organization=org, account=account, kind="listening", text=text,
                         created_at=now - dt.timedelta(days=days))
    InboxItemFactory(organization=org, account=account, kind="comment", text="#ignored")
    trends = listening_trends(org, now=now)
    rising = {t.term: (t.last7, t.prev7) for t in trends.rising_hashtags}
    assert rising == {"#espresso": (3, 0)}
    top = {t.term: t.last30 for t in trends.top_hashtags_30}
    assert top["#espresso"] == 4 and top["#latte"] == 3 and "#ignored" not in top
    assert trends.items_30 == 7


def test_trends_page_renders(login, owner, org, account):
    assert login(owner).get(reverse("inbox_trends", kwargs={"org_slug": org.slug})
                            ).status_code == 200


def test_author_export_and_erase_are_audited(login, member_of, org, account):
    admin = member_of("admin")
    InboxItemFactory(organization=org, account=account, author_handle="@ann", text="mine")
    InboxItemFactory(organization=org, account=account, author_handle="@bob", text="other")
    client = login(admin)
    url = reverse("inbox_privacy", kwargs={"org_slug": org.slug})
    response = client.post(url, {"author-handle": "ann", "author-action": "export"})
    data = json.loads(response.content)
    assert [i["text"] for i in data["items"]] == ["mine"]
    client.post(url, {"author-handle": "@ann", "author-action": "erase"})
    assert list(InboxItem.objects.values_list("author_handle", flat=True)) == ["@bob"]
    verbs = list(AuditEntry.objects.filter(verb__startswith="inbox.author").values_list(
        "verb", flat=True))
    assert sorted(verbs) == ["inbox.author.erased", "inbox.author.exported"]


def test_editors_cannot_make_data_subject_requests(login, member_of, org, account):
    InboxItemFactory(organization=org, account=account, author_handle="@ann")
    url = reverse("inbox_privacy", kwargs={"org_slug": org.slug})
    response = login(member_of("editor")).post(url, {"author-handle": "ann",
                                                     "author-action": "erase"})
    assert response.status_code == 403 and InboxItem.objects.count() == 1


def test_retention_deletes_only_old_items_of_that_organisation(org, other_org, account):
    InboxSettings.objects.create(organization=org, retention_months=6)
    old = timezone.now() - dt.timedelta(days=200)
    InboxItemFactory(organization=org, account=account, created_at=old)
    keep = InboxItemFactory(organization=org, account=account)
    theirs = InboxItemFactory(organization=other_org, created_at=old,
                              account=ConnectedAccountFactory(organization=other_org))
    inbox_purge_expired()
    assert set(InboxItem.objects.values_list("pk", flat=True)) == {keep.pk, theirs.pk}


def test_admin_adds_a_rule_and_bad_input_changes_nothing(login, member_of, org, account):
    client = login(member_of("admin"))
    url = reverse("inbox_settings", kwargs={"org_slug": org.slug})
    response = client.post(url, {"section": "rule", "rule-name": "no action",
                                 "rule-position": "1", "rule-enabled": "on"})
    assert response.status_code == 400 and not AutomationRule.objects.exists()
    assert "Choose at least one action" in response.content.decode()
    client.post(url, {"section": "rule", "rule-name": "urgent", "rule-position": "1",
                      "rule-enabled": "on", "rule-match_keywords": "broken",
                      "rule-flag_urgent": "on"})
    assert AutomationRule.objects.get().flag_urgent


def test_editors_add_saved_replies_but_not_rules(login, member_of, org):
    client = login(member_of("editor"))
    url = reverse("inbox_settings", kwargs={"org_slug": org.slug})
    client.post(url, {"section": "reply", "reply-title": "Thanks", "reply-text": "Thank you!"})
    assert org.saved_replies.get().text == "Thank you!"
    response = client.post(url, {"section": "rule", "rule-name": "x", "rule-position": "1",
                                 "rule-mark_done": "on"})
    assert response.status_code == 403 and not AutomationRule.objects.exists()


def test_trends_of_our_conversations_with_example_posts(login, owner, org, account):
    now = timezone.now()
    for days, text in [(1, "Where is my #refund please"), (2, "Still no #refund"),
                       (3, "#refund took weeks"), (9, "#latte was great")]:
        InboxItemFactory(organization=org, account=account, kind="comment", text=text,
                         created_at=now - dt.timedelta(days=days))
    InboxItemFactory(organization=org, account=account, kind="listening", text="#elsewhere",
                     created_at=now - dt.timedelta(days=1))
    trends = listening_trends(org, now=now, source="inbox")
    assert {t.term: (t.last7, t.prev7) for t in trends.rising_hashtags} == {"#refund": (3, 0)}
    assert [i.text for i in trends.examples["#refund"]] == [
        "Where is my #refund please", "Still no #refund"]  # newest first, at most two
    assert listening_trends(org, now=now, source="all").items_30 == 5
    html = login(owner).get(reverse("inbox_trends", kwargs={"org_slug": org.slug}),
                            {"source": "inbox"}).content.decode()
    assert "Where is my #refund please" in html and 'aria-current="page">Our conversations' in html
