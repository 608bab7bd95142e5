"""Ingestion works page-wise: a constant number of statements per page, whatever its size,
and the same outcome as item-by-item processing (parents, rules, ids)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inbox.models import AutomationRule, InboxItem
from inbox.services import inbox_ingest_entries
from tests.factories import ConnectedAccountFactory
from tests.inbox.factories import entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(org):
    return ConnectedAccountFactory(organization=org)


def _page(prefix: str, n: int) -> list:
    # Every 5th entry answers the entry before it, on the same page.
    return [entry(f"{prefix}{i}", f"comment {i}", parent_remote_id=f"{prefix}{i - 1}"
                  if i % 5 == 1 else "") for i in range(n)]


def _writes(ctx) -> list[str]:
    return [q["sql"].split(" ", 1)[0] for q in ctx.captured_queries
            if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]


def test_statements_per_page_do_not_grow_with_the_page(account, org):
    AutomationRule.objects.create(organization=org, name="urgent", match_keywords="comment",
                                  flag_urgent=True)
    counts = []
    for prefix, size in (("a", 5), ("b", 40), ("c", 100)):
        with CaptureQueriesContext(connection) as ctx:
            result = inbox_ingest_entries(account, _page(prefix, size))
        assert len(result.created) == size
        counts.append(len(ctx.captured_queries))
        # One INSERT for the page: rules are applied before it, and the children answering
        # items of the same page are written with their parent (keys planned ahead from
        # PostgreSQL's sequence), not linked by an UPDATE afterwards. SQLite: one UPDATE.
        planned = connection.vendor == "postgresql"
        assert _writes(ctx) == (["INSERT"] if planned else ["INSERT", "UPDATE"]), \
            ctx.captured_queries
        items = {i.remote_id: i for i in InboxItem.objects.filter(remote_id__startswith=prefix)}
        for i in range(1, size, 5):
            assert items[f"{prefix}{i}"].parent_id == items[f"{prefix}{i - 1}"].pk
    assert counts[0] == counts[1] == counts[2]
    assert InboxItem.objects.filter(urgent=True).count() == 145


def test_created_ids_are_the_new_items_in_page_order(account):
    inbox_ingest_entries(account, [entry("x1")])
    result = inbox_ingest_entries(account, [entry("x0"), entry("x1"), entry("x2")])
    by_id = dict(InboxItem.objects.values_list("pk", "remote_id"))
    assert [by_id[pk] for pk in result.created] == ["x0", "x2"]
    assert result.updated == 1
    assert all(i.fetched_at for i in InboxItem.objects.all())


def test_parents_on_the_page_stored_before_and_arriving_later_are_linked(account):
    # An answer stored before its parent arrives ...
    inbox_ingest_entries(account, [entry("early-child", parent_remote_id="p")])
    # ... the parent arrives with its own same-page child and an answer to a stored item.
    inbox_ingest_entries(account, [entry("p"), entry("p-child", parent_remote_id="p"),
                                   entry("late", parent_remote_id="early-child")])
    items = {i.remote_id: i for i in InboxItem.objects.select_related("parent")}
    assert items["early-child"].parent == items["p"]
    assert items["p-child"].parent == items["p"]
    assert items["late"].parent == items["early-child"]
    assert items["p"].parent is None


def test_a_page_without_new_parents_writes_no_link_update(account):
    inbox_ingest_entries(account, [entry("root")])
    with CaptureQueriesContext(connection) as ctx:
        inbox_ingest_entries(account, [entry("r1", parent_remote_id="root"),
                                       entry("r2", parent_remote_id="elsewhere")])
    assert _writes(ctx) == ["INSERT"]
    assert InboxItem.objects.get(remote_id="r1").parent.remote_id == "root"


def test_an_item_naming_itself_as_parent_is_not_its_own_parent(account):
    inbox_ingest_entries(account, [entry("loop", parent_remote_id="loop")])
    assert InboxItem.objects.get(remote_id="loop").parent is None


def test_a_parent_stored_meanwhile_by_another_poller_still_links_its_replies(account,
                                                                             monkeypatch):
    """Keys are planned after the page's lookup; if another process stores the parent in
    between, the upsert keeps that row (and its key) and the reply is re-pointed to it."""
    from inbox.services import ingest

    real_lookup = ingest.stored_and_related

    def lookup_then_a_concurrent_insert(*args):
        rows = real_lookup(*args)
        InboxItem.objects.create(organization=account.organization, account=account,
                                 kind="comment", remote_id="race-parent", author_handle="@x",
                                 text="stored by the other poller",
                                 created_at=timezone.now())
        return rows

    monkeypatch.setattr(ingest, "stored_and_related", lookup_then_a_concurrent_insert)
    inbox_ingest_entries(account, [entry("race-parent", "from this page"),
                                   entry("race-child", parent_remote_id="race-parent")])
    parent = InboxItem.objects.get(remote_id="race-parent")
    assert parent.text == "from this page"  # the upsert updated the other poller's row
    assert InboxItem.objects.get(remote_id="race-child").parent_id == parent.pk


def test_a_poll_run_reads_rules_and_webhook_subscriptions_once(account, org):
    from inbox.services.ingest import IngestRun

    AutomationRule.objects.create(organization=org, name="urgent", match_keywords="comment",
                                  flag_urgent=True)
    run = IngestRun(org.pk)
    with CaptureQueriesContext(connection) as ctx:
        for prefix in ("r", "s", "t"):
            inbox_ingest_entries(account, _page(prefix, 10), run=run)
    sql = [q["sql"] for q in ctx.captured_queries]
    assert sum("inbox_automationrule" in q for q in sql) == 1
    assert sum("api_webhookendpoint" in q for q in sql) == 1
    assert InboxItem.objects.filter(urgent=True).count() == 30
