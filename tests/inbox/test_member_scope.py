"""Members restricted to some accounts see and work only those accounts' items."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import AccountAccess, AuditEntry, Membership
from inbox.models import InboxItem, InboxReply, ItemStatus
from tests.factories import ConnectedAccountFactory
from tests.inbox.factories import InboxItemFactory

pytestmark = pytest.mark.django_db


def url(name, org, **kw):
    return reverse(name, kwargs={"org_slug": org.slug, **kw})


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def setup(org, member_of):
    mine = ConnectedAccountFactory(organization=org, handle="@mine")
    theirs = ConnectedAccountFactory(organization=org, handle="@theirs")
    editor = member_of("editor")
    AccountAccess.objects.create(
        membership=Membership.objects.get(user=editor, organization=org), account=mine)
    ok = InboxItemFactory(organization=org, account=mine, text="visible to the editor")
    hidden = InboxItemFactory(organization=org, account=theirs, text="secret of another team")
    return editor, mine, theirs, ok, hidden


def test_list_counts_and_filters_show_only_allowed_accounts(login, org, setup):
    editor, _mine, _theirs, _ok, _hidden = setup
    body = login(editor).get(url("inbox", org)).content.decode()
    assert "visible to the editor" in body
    assert "secret of another team" not in body
    assert "@theirs" not in body  # nor in the account filter
    assert '1 open item' in body  # the navigation count is the member's


def test_admin_sees_every_account(login, org, owner, setup):
    body = login(owner).get(url("inbox", org)).content.decode()
    assert "visible to the editor" in body and "secret of another team" in body
    assert "2 open items" in body


def test_filtering_by_a_forbidden_account_is_refused(login, org, setup):
    editor, _mine, theirs, _ok, _hidden = setup
    body = login(editor).get(url("inbox", org), {"account": theirs.pk, "status": "all"})
    assert "secret of another team" not in body.content.decode()


def test_items_of_other_accounts_are_404(login, org, setup, member_of):
    editor, _mine, _theirs, ok, hidden = setup
    client = login(editor)
    assert client.get(url("inbox_item", org, pk=hidden.pk)).status_code == 404
    assert client.get(url("inbox_item", org, pk=ok.pk)).status_code == 200
    for name, data in [("inbox_item_status", {"status": "done"}),
                       ("inbox_item_note", {"text": "peek"}),
                       ("inbox_item_reply", {"text": "hello"}),
                       ("inbox_item_assign", {"assignee": ""}),
                       ("inbox_item_flags", {"urgent": "1"})]:
        assert client.post(url(name, org, pk=hidden.pk), data).status_code == 404, name
    hidden.refresh_from_db()
    assert hidden.status == ItemStatus.OPEN and not hidden.urgent
    assert not hidden.notes.exists() and not InboxReply.objects.filter(item=hidden).exists()


def test_new_items_poll_leaves_other_accounts_out(login, org, setup):
    editor, mine, theirs, ok, _hidden = setup
    InboxItemFactory(organization=org, account=theirs, text="arrived for them")
    InboxItemFactory(organization=org, account=mine, text="arrived for me")
    body = login(editor).get(url("inbox_new", org), {"since": ok.pk}).content.decode()
    assert "arrived for me" in body and "arrived for them" not in body


def test_bulk_actions_change_only_allowed_items(login, org, setup):
    editor, _mine, _theirs, ok, hidden = setup
    client = login(editor)
    answer = client.post(url("inbox_bulk", org), {"items": [ok.pk, hidden.pk],
                                                  "status": "done"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert "1 item marked as done." in answer.content.decode()
    assert InboxItem.objects.get(pk=ok.pk).status == ItemStatus.DONE
    assert InboxItem.objects.get(pk=hidden.pk).status == ItemStatus.OPEN
    client.post(url("inbox_bulk", org), {"items": [ok.pk, hidden.pk], "action": "assign",
                                         "bulk-assignee": editor.pk})
    assert InboxItem.objects.get(pk=ok.pk).assignee == editor
    assert InboxItem.objects.get(pk=hidden.pk).assignee is None


def test_reply_service_refuses_a_forbidden_account(org, setup):
    from accounts.services.errors import ServiceError
    from inbox.services import inbox_reply_create

    editor, _mine, _theirs, _ok, hidden = setup
    membership = Membership.objects.get(user=editor, organization=org)
    with pytest.raises(ServiceError) as exc:
        inbox_reply_create(item=hidden, membership=membership, text="hi")
    assert exc.value.code == "forbidden"


def test_bulk_assign_and_unassign(login, org, owner, member_of):
    account = ConnectedAccountFactory(organization=org)
    helper = member_of("editor")
    items = [InboxItemFactory(organization=org, account=account) for _ in range(3)]
    client = login(owner)
    answer = client.post(url("inbox_bulk", org), {
        "items": [i.pk for i in items[:2]], "action": "assign", "bulk-assignee": helper.pk},
        HTTP_HX_REQUEST="true")
    assert "2 items assigned to" in answer.content.decode()
    assert [InboxItem.objects.get(pk=i.pk).assignee_id for i in items] == [
        helper.pk, helper.pk, None]
    entry = AuditEntry.objects.filter(verb="inbox.item.assigned").latest("pk")
    assert sorted(entry.details["items"]) == sorted(i.pk for i in items[:2])
    client.post(url("inbox_bulk", org), {"items": [items[0].pk], "action": "assign",
                                         "bulk-assignee": ""})
    assert InboxItem.objects.get(pk=items[0].pk).assignee_id is None


def test_bulk_assign_to_an_outsider_changes_nothing(login, org, owner, other_org):
    from tests.factories import MembershipFactory

    stranger = MembershipFactory(organization=other_org, role="editor").user
    item = InboxItemFactory(organization=org, account=ConnectedAccountFactory(organization=org))
    answer = login(owner).post(url("inbox_bulk", org), {
        "items": [item.pk], "action": "assign", "bulk-assignee": stranger.pk},
        HTTP_HX_REQUEST="true")
    assert answer.status_code == 400
    assert InboxItem.objects.get(pk=item.pk).assignee is None


def test_bulk_label(login, org, owner):
    account = ConnectedAccountFactory(organization=org)
    tagged = InboxItemFactory(organization=org, account=account, labels=["billing"])
    plain = InboxItemFactory(organization=org, account=account)
    untouched = InboxItemFactory(organization=org, account=account)
    client = login(owner)
    answer = client.post(url("inbox_bulk", org), {
        "items": [tagged.pk, plain.pk], "action": "label", "label": " billing "},
        HTTP_HX_REQUEST="true")
    assert "Label added to 1 item." in answer.content.decode()
    assert InboxItem.objects.get(pk=plain.pk).labels == ["billing"]
    assert InboxItem.objects.get(pk=tagged.pk).labels == ["billing"]
    assert InboxItem.objects.get(pk=untouched.pk).labels == []
    empty = client.post(url("inbox_bulk", org), {"items": [plain.pk], "action": "label",
                                                 "label": "  "}, HTTP_HX_REQUEST="true")
    assert empty.status_code == 400 and "Enter a label." in empty.content.decode()
