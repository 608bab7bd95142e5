import datetime as dt

import pytest
from django.utils import timezone

from inbox.models import AutomationRule, InboxItem, ItemStatus
from inbox.services import inbox_ingest_entries, inbox_item_assign
from platforms.base import InboxEntry
from tests.factories import ConnectedAccountFactory
from tests.inbox.factories import entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(org):
    return ConnectedAccountFactory(organization=org)


def test_the_same_page_twice_creates_no_duplicates(account):
    page = [entry("1"), entry("2"), entry("3")]
    first = inbox_ingest_entries(account, page)
    second = inbox_ingest_entries(account, page)
    assert len(first.created) == 3
    assert second.created == [] and second.updated == 3
    assert InboxItem.objects.filter(account=account).count() == 3


def test_an_edit_updates_the_text_but_keeps_the_teams_work(account, owner):
    inbox_ingest_entries(account, [entry("1", "first words")])
    item = InboxItem.objects.get(remote_id="1")
    inbox_item_assign(item=item, assignee=owner, actor=owner)
    InboxItem.objects.filter(pk=item.pk).update(status=ItemStatus.DONE)
    edited_at = timezone.now()
    inbox_ingest_entries(account, [entry("1", "second words", edited_at=edited_at)])
    inbox_ingest_entries(account, [entry("1", "second words")])  # a later page without the edit
    item.refresh_from_db()
    assert item.text == "second words"
    assert item.edited_at == edited_at
    assert item.assignee == owner and item.status == ItemStatus.DONE


def test_a_deletion_marks_the_item_and_hides_it(account):
    inbox_ingest_entries(account, [entry("1"), entry("2")])
    result = inbox_ingest_entries(account, [entry("1", deleted=True)])
    assert result.deleted == 1
    assert InboxItem.objects.get(remote_id="1").deleted_at is not None
    assert list(InboxItem.objects.visible().values_list("remote_id", flat=True)) == ["2"]


def test_malformed_entries_are_skipped_and_the_rest_stored(account):
    bad = [
        InboxEntry(remote_id="", kind="comment", author_handle="@x", author_name="",
                   text="no id", url="", created_at=timezone.now()),
        InboxEntry(remote_id="k", kind="weird", author_handle="@x", author_name="",
                   text="bad kind", url="", created_at=timezone.now()),
        InboxEntry(remote_id="t", kind="comment", author_handle="@x", author_name="",
                   text="bad time", url="", created_at="yesterday"),
    ]
    result = inbox_ingest_entries(account, [*bad, entry("ok")])
    assert result.skipped == 3
    assert list(InboxItem.objects.values_list("remote_id", flat=True)) == ["ok"]


def test_unsafe_links_are_not_stored(account):
    inbox_ingest_entries(account, [entry("1", url="javascript:alert(1)",
                                         author_avatar_url="data:image/png;base64,AAA")])
    item = InboxItem.objects.get()
    assert item.url == "" and item.author_avatar_url == ""


def test_children_link_to_parents_in_either_order(account):
    inbox_ingest_entries(account, [entry("child", parent_remote_id="parent", kind="reply")])
    inbox_ingest_entries(account, [entry("parent"), entry("grandchild",
                                                          parent_remote_id="child")])
    child = InboxItem.objects.get(remote_id="child")
    assert child.parent.remote_id == "parent"
    assert InboxItem.objects.get(remote_id="grandchild").parent == child


def test_items_of_two_accounts_with_the_same_remote_id_are_distinct(org):
    a, b = ConnectedAccountFactory(organization=org), ConnectedAccountFactory(organization=org)
    inbox_ingest_entries(a, [entry("1")])
    inbox_ingest_entries(b, [entry("1")])
    assert InboxItem.objects.count() == 2


def test_automation_rules_run_in_order_on_new_items_only(account, org, owner, member_of):
    editor = member_of("editor")
    AutomationRule.objects.create(organization=org, name="refunds", position=1,
                                  match_keywords="refund, money back", assign_to=editor,
                                  add_label="billing")
    AutomationRule.objects.create(organization=org, name="urgent", position=2,
                                  match_keywords="refund", flag_urgent=True, stop_here=True)
    AutomationRule.objects.create(organization=org, name="never", position=3,
                                  match_keywords="refund", mark_done=True)
    AutomationRule.objects.create(organization=org, name="spam", position=0,
                                  match_author="@spammer", mark_done=True)
    inbox_ingest_entries(account, [entry("1", "I want a REFUND"),
                                   entry("2", "buy now", author_handle="@Spammer"),
                                   entry("3", "nice post")])
    refund, spam, nice = (InboxItem.objects.get(remote_id=r) for r in "123")
    assert refund.assignee == editor and refund.labels == ["billing"] and refund.urgent
    assert refund.status == ItemStatus.OPEN  # the rule after "stop here" did not run
    assert [r["name"] for r in refund.applied_rules] == ["refunds", "urgent"]
    assert spam.status == ItemStatus.DONE and spam.applied_rules[0]["name"] == "spam"
    assert nice.applied_rules == [] and nice.assignee is None
    # A re-ingested (edited) item is not new: rules do not run again.
    InboxItem.objects.filter(pk=refund.pk).update(labels=[], urgent=False)
    inbox_ingest_entries(account, [entry("1", "I want a REFUND now")])
    refund.refresh_from_db()
    assert refund.labels == [] and not refund.urgent


def test_naive_platform_times_are_taken_as_utc(account):
    inbox_ingest_entries(account, [entry("1", created_at=dt.datetime(2026, 1, 1, 12, 0))])
    assert InboxItem.objects.get().created_at == dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_a_listening_hit_does_not_turn_a_mention_into_listening(org, owner):
    from inbox.models import ItemKind

    account = ConnectedAccountFactory(organization=org)
    inbox_ingest_entries(account, [entry("s1", "@acme hi #coffee", kind="mention")])
    item = InboxItem.objects.get(account=account, remote_id="s1")
    InboxItem.objects.filter(pk=item.pk).update(assignee=owner)
    result = inbox_ingest_entries(account, [entry("s1", "@acme hi #coffee"),
                                            entry("s2", "just #coffee")],
                                  kind=ItemKind.LISTENING)
    assert result.created and len(result.created) == 1
    item.refresh_from_db()
    assert item.kind == ItemKind.MENTION and item.assignee == owner
    assert InboxItem.objects.get(remote_id="s2").kind == ItemKind.LISTENING
    # The other way round: the inbox poller finds a post listening had found first.
    inbox_ingest_entries(account, [entry("s2", "just #coffee", kind="mention")])
    assert InboxItem.objects.get(remote_id="s2").kind == ItemKind.MENTION
