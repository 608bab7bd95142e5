"""The inbox without reloads: after Mark done or assign the next conversation of the list
comes back with the answer, the handled row leaves or is updated, the open count follows;
a reply reports its delivery state in place."""

import json

import pytest
from django.urls import reverse

from inbox.models import InboxReply, ItemStatus, ReplyStatus
from tests.factories import ConnectedAccountFactory
from tests.inbox.factories import InboxItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(org):
    return ConnectedAccountFactory(organization=org)


def url(name, org, **kw):
    return reverse(name, kwargs={"org_slug": org.slug, **kw})


def htmx(org, query=""):
    page = "http://testserver" + url("inbox", org) + (f"?{query}" if query else "")
    return {"HX-Request": "true", "HX-Current-URL": page}


def advanced(response) -> dict:
    return json.loads(response["HX-Trigger-After-Settle"])["inbox:advanced"]


def test_mark_done_answers_with_the_next_conversation_and_the_row_leaves(
        login, owner, org, account):
    newest, middle, oldest = (InboxItemFactory(organization=org, account=account, text=t)
                              for t in ("newest", "middle", "oldest"))
    newest, middle, oldest = sorted((newest, middle, oldest), key=lambda i: i.created_at,
                                    reverse=True)
    client = login(owner)
    r = client.post(url("inbox_item_status", org, pk=newest.pk), {"status": "done"},
                    headers=htmx(org))
    body = r.content.decode()
    assert r.status_code == 200 and r.context["item"] == middle
    assert advanced(r) == {"from": newest.pk, "to": middle.pk, "removed": True}
    assert r["HX-Push-Url"] == url("inbox_item", org, pk=middle.pk)
    # The notice names the handled conversation and undoes it; the open count is now 2.
    assert "Marked as done." in body and newest.author_name in body
    assert url("inbox_item_status", org, pk=newest.pk) in body
    assert 'id="nav-inbox-count"' in body and "2 open items" in body
    newest.refresh_from_db()
    assert newest.status == ItemStatus.DONE


def test_the_last_item_moves_to_the_one_above_and_then_to_nothing_left(
        login, owner, org, account):
    first, second = sorted(InboxItemFactory.create_batch(2, organization=org, account=account),
                           key=lambda i: i.created_at, reverse=True)
    client = login(owner)
    r = client.post(url("inbox_item_status", org, pk=second.pk), {"status": "done"},
                    headers=htmx(org))
    assert advanced(r)["to"] == first.pk
    r = client.post(url("inbox_item_status", org, pk=first.pk), {"status": "done"},
                    headers=htmx(org))
    assert advanced(r) == {"from": first.pk, "to": None, "removed": True}
    assert "Nothing else in this list" in r.content.decode()
    assert r["HX-Push-Url"] == url("inbox", org)


def test_the_list_on_the_page_decides_whether_the_row_stays(login, owner, org, account):
    """In "all statuses" a done item still belongs to the list: its row is updated."""
    item, _other = InboxItemFactory.create_batch(2, organization=org, account=account)
    r = login(owner).post(url("inbox_item_status", org, pk=item.pk), {"status": "done"},
                          headers=htmx(org, "status=all"))
    assert advanced(r)["removed"] is False
    assert "data-row-update" in r.content.decode()
    assert r["HX-Push-Url"].endswith("?status=all")


def test_assign_moves_on_and_keeps_the_row(login, owner, member_of, org, account):
    editor = member_of("editor")
    older, newer = sorted(InboxItemFactory.create_batch(2, organization=org, account=account),
                          key=lambda i: i.created_at)
    r = login(owner).post(url("inbox_item_assign", org, pk=newer.pk), {"assignee": editor.pk},
                          headers=htmx(org))
    assert advanced(r) == {"from": newer.pk, "to": older.pk, "removed": False}
    assert "Assigned to" in r.content.decode()
    # Filtered to "unassigned", the assigned item leaves that list.
    r = login(owner).post(url("inbox_item_assign", org, pk=older.pk), {"assignee": editor.pk},
                          headers=htmx(org, "assignee=none"))
    assert advanced(r)["removed"] is True


def test_a_single_item_stays_open_after_assigning(login, owner, member_of, org, account):
    item = InboxItemFactory(organization=org, account=account)
    r = login(owner).post(url("inbox_item_assign", org, pk=item.pk),
                          {"assignee": member_of("editor").pk}, headers=htmx(org))
    assert r.context["item"] == item and "HX-Trigger-After-Settle" not in r


def test_reopen_asks_for_the_list_again(login, owner, org, account):
    item = InboxItemFactory(organization=org, account=account, status=ItemStatus.DONE)
    r = login(owner).post(url("inbox_item_status", org, pk=item.pk), {"status": "open"},
                          headers=htmx(org))
    assert "inbox:relist" in r["HX-Trigger-After-Settle"]
    assert "1 open item" in r.content.decode()


def test_without_htmx_mark_done_redirects(login, owner, org, account):
    item = InboxItemFactory(organization=org, account=account)
    r = login(owner).post(url("inbox_item_status", org, pk=item.pk), {"status": "done"})
    assert r.status_code == 302


def test_bulk_done_takes_the_rows_out_of_the_open_list(login, owner, org, account):
    a, b, _c = InboxItemFactory.create_batch(3, organization=org, account=account)
    r = login(owner).post(url("inbox_bulk", org), {"status": "done", "items": [a.pk, b.pk]},
                          headers=htmx(org))
    body = r.content.decode()
    assert f'data-row-remove="{a.pk}"' in body and f'data-row-remove="{b.pk}"' in body
    assert "1 open item" in body and 'hx-swap-oob="true"' in body


def _reply(item, status, **kw):
    return InboxReply.objects.create(item=item, text="On its way", status=status, **kw)


def test_a_sending_reply_polls_its_state_until_it_is_final(login, owner, org, account):
    item = InboxItemFactory(organization=org, account=account)
    reply = _reply(item, ReplyStatus.SENDING)
    client = login(owner)
    state_url = url("inbox_reply_state", org, pk=item.pk, reply_id=reply.pk)
    body = client.get(url("inbox_item", org, pk=item.pk)).content.decode()
    assert f'hx-get="{state_url}" hx-trigger="every 2s"' in body and "Sending…" in body
    InboxReply.objects.filter(pk=reply.pk).update(
        status=ReplyStatus.SENT, remote_url="https://sandbox.example/p/1")
    body = client.get(state_url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in body and "https://sandbox.example/p/1" in body
    assert body.lstrip().startswith(f'<li class="thread-msg thread-ours" id="reply-{reply.pk}"')


def test_a_failed_reply_shows_the_reason_and_a_retry(login, owner, org, account):
    item = InboxItemFactory(organization=org, account=account)
    reply = _reply(item, ReplyStatus.FAILED, error="The platform refused the reply: spam")
    body = login(owner).get(url("inbox_reply_state", org, pk=item.pk, reply_id=reply.pk),
                            headers={"HX-Request": "true"}).content.decode()
    assert "refused the reply: spam" in body and "Retry" in body
    assert "hx-trigger" not in body


def test_another_organisations_reply_state_is_a_404(login, owner, org, other_org):
    theirs = InboxItemFactory(organization=other_org,
                              account=ConnectedAccountFactory(organization=other_org))
    reply = _reply(theirs, ReplyStatus.SENDING)
    r = login(owner).get(url("inbox_reply_state", org, pk=theirs.pk, reply_id=reply.pk))
    assert r.status_code == 404
