import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from inbox.models import InboxItem, InboxNote, InboxSettings, ItemStatus
from tests.factories import ConnectedAccountFactory
from tests.inbox.factories import InboxItemFactory

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def account(org):
    return ConnectedAccountFactory(organization=org)


def url(name, org, **kw):
    return reverse(name, kwargs={"org_slug": org.slug, **kw})


def test_the_inbox_lists_open_items_newest_first(login, owner, org, account):
    old = InboxItemFactory(organization=org, account=account, text="older one")
    new = InboxItemFactory(organization=org, account=account, text="newer one")
    InboxItemFactory(organization=org, account=account, text="finished", status="done")
    body = login(owner).get(url("inbox", org)).content.decode()
    assert body.index("newer one") < body.index("older one")
    assert "finished" not in body
    assert f'id="item-row-{old.pk}"' in body and f'id="item-row-{new.pk}"' in body


def test_another_organisations_item_is_a_404(login, owner, org, other_org):
    theirs = InboxItemFactory(organization=other_org,
                              account=ConnectedAccountFactory(organization=other_org))
    client = login(owner)
    assert client.get(url("inbox_item", org, pk=theirs.pk)).status_code == 404
    assert client.post(url("inbox_item_status", org, pk=theirs.pk),
                       {"status": "done"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ItemStatus.OPEN


def test_xss_in_text_and_author_renders_as_text(login, owner, org, account):
    item = InboxItemFactory(organization=org, account=account, text=XSS, author_name=XSS,
                            author_handle='@"><script>x</script>')
    client = login(owner)
    for page in (url("inbox", org), url("inbox_item", org, pk=item.pk)):
        body = client.get(page).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
        assert '"><script>x' not in body


def test_links_in_text_open_safely(login, owner, org, account):
    item = InboxItemFactory(organization=org, account=account,
                            text="see https://example.com/a?b=1&c=2 now")
    body = login(owner).get(url("inbox_item", org, pk=item.pk)).content.decode()
    assert ('<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener noreferrer" '
            'target="_blank">') in body


def test_platform_html_is_sanitised(login, owner, org, account):
    item = InboxItemFactory(organization=org, account=account, raw={
        "content_html": '<p>Hi <a href="https://x.example/" onclick="evil()">there</a>'
                        '<script>alert(1)</script><a href="javascript:alert(1)">js</a></p>'})
    body = login(owner).get(url("inbox_item", org, pk=item.pk)).content.decode()
    assert "onclick" not in body and "<script>alert(1)" not in body
    assert "javascript:alert" not in body
    assert 'rel="nofollow noopener noreferrer"' in body and 'href="https://x.example/"' in body


def test_remote_avatars_are_placeholders_unless_the_org_allows_them(login, owner, org, account):
    item = InboxItemFactory(organization=org, account=account, author_name="Ada Lovelace",
                            author_avatar_url="https://cdn.example/ada.png")
    client = login(owner)
    body = client.get(url("inbox", org)).content.decode()
    assert "cdn.example" not in body and ">AL</span>" in body
    assert client.get(url("inbox_avatar", org, pk=item.pk)).status_code == 404
    InboxSettings.objects.create(organization=org, allow_remote_media=True)
    body = client.get(url("inbox", org)).content.decode()
    assert "cdn.example" not in body
    assert url("inbox_avatar", org, pk=item.pk) in body


def test_filters_by_kind_account_and_assignee(login, owner, org, account):
    other = ConnectedAccountFactory(organization=org)
    InboxItemFactory(organization=org, account=account, kind="mention", text="a mention")
    InboxItemFactory(organization=org, account=other, kind="comment", text="a comment",
                     assignee=owner)
    client = login(owner)
    body = client.get(url("inbox", org), {"kind": "mention"}).content.decode()
    assert "a mention" in body and "a comment" not in body
    body = client.get(url("inbox", org), {"account": other.pk}).content.decode()
    assert "a comment" in body and "a mention" not in body
    body = client.get(url("inbox", org), {"assignee": "me"}).content.decode()
    assert "a comment" in body and "a mention" not in body
    # bad filter input re-renders, never a 500
    assert client.get(url("inbox", org), {"account": "nope", "date_from": "x"}).status_code == 200


def test_keyset_pagination_walks_every_item_once(login, owner, org, account, settings):
    items = InboxItemFactory.create_batch(120, organization=org, account=account)
    client = login(owner)
    seen, after = [], ""
    for _ in range(5):
        response = client.get(url("inbox", org), {"after": after} if after else {},
                              headers={"HX-Request": "true", "HX-Target": "inbox-list-more"})
        rows = response.context["page"].items
        seen += [i.pk for i in rows]
        after = response.context["page"].next_cursor
        if not after:
            break
    assert sorted(seen) == sorted(i.pk for i in items) and len(seen) == 120


def test_list_page_queries_do_not_grow_with_data(login, owner, org, account,
                                                 django_assert_max_num_queries):
    client = login(owner)
    InboxItemFactory.create_batch(5, organization=org, account=account, assignee=owner)
    client.get(url("inbox", org))
    with django_assert_max_num_queries(25) as few:
        client.get(url("inbox", org))
    InboxItemFactory.create_batch(60, organization=org, account=account, assignee=owner,
                                  labels=["x"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("inbox", org), {"q": "Comment"})


def test_viewer_reads_but_cannot_work_or_reply(login, member_of, org, account):
    item = InboxItemFactory(organization=org, account=account)
    client = login(member_of("viewer"))
    body = client.get(url("inbox_item", org, pk=item.pk)).content.decode()
    assert "data-reply-form" not in body and "data-action-done" not in body
    assert client.post(url("inbox_item_reply", org, pk=item.pk),
                       {"text": "hi"}).status_code == 403
    assert client.post(url("inbox_item_status", org, pk=item.pk),
                       {"status": "done"}).status_code == 403
    assert not item.replies.exists()


def test_assign_done_and_reopen_through_the_conversation(login, member_of, org, account):
    editor = member_of("editor")
    item = InboxItemFactory(organization=org, account=account)
    client = login(editor)
    htmx = {"HX-Request": "true"}
    r = client.post(url("inbox_item_assign", org, pk=item.pk), {"assignee": editor.pk},
                    headers=htmx)
    assert r.status_code == 200 and "Assigned to" in r.content.decode()
    r = client.post(url("inbox_item_status", org, pk=item.pk), {"status": "done"}, headers=htmx)
    assert "Undo" in r.content.decode()
    item.refresh_from_db()
    assert item.assignee == editor and item.status == ItemStatus.DONE and item.done_at
    client.post(url("inbox_item_status", org, pk=item.pk), {"status": "open"}, headers=htmx)
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN and item.done_at is None
    verbs = set(AuditEntry.objects.values_list("verb", flat=True))
    assert {"inbox.item.assigned", "inbox.item.done", "inbox.item.reopened"} <= verbs


def test_assigning_an_outsider_is_refused(login, owner, outsider, org, account):
    item = InboxItemFactory(organization=org, account=account)
    r = login(owner).post(url("inbox_item_assign", org, pk=item.pk), {"assignee": outsider.pk})
    assert r.status_code == 400
    item.refresh_from_db()
    assert item.assignee is None


def test_bulk_done_and_undo(login, owner, org, account):
    a, b, c = InboxItemFactory.create_batch(3, organization=org, account=account)
    InboxItemFactory(organization=org, account=account, status="done")
    client = login(owner)
    htmx = {"HX-Request": "true"}
    r = client.post(url("inbox_bulk", org), {"status": "done", "items": [a.pk, b.pk]},
                    headers=htmx)
    assert "2 items marked as done" in r.content.decode()
    assert set(InboxItem.objects.filter(status="done").values_list("pk", flat=True)) >= {
        a.pk, b.pk}
    assert r.context["changed"] == sorted([a.pk, b.pk]) or set(r.context["changed"]) == {
        a.pk, b.pk}
    r = client.post(url("inbox_bulk", org), {"status": "open", "items": r.context["changed"]},
                    headers=htmx)
    assert InboxItem.objects.get(pk=a.pk).status == "open"
    assert InboxItem.objects.get(pk=b.pk).status == "open"
    assert InboxItem.objects.get(pk=c.pk).status == "open"
    # nothing selected is a message, not a crash
    assert client.post(url("inbox_bulk", org), {"status": "done"}, headers=htmx).status_code == 400


def test_bulk_ignores_other_organisations_items(login, owner, org, other_org):
    theirs = InboxItemFactory(organization=other_org,
                              account=ConnectedAccountFactory(organization=other_org))
    login(owner).post(url("inbox_bulk", org), {"status": "done", "items": [theirs.pk]})
    theirs.refresh_from_db()
    assert theirs.status == "open"


def test_internal_notes(login, owner, org, account):
    item = InboxItemFactory(organization=org, account=account)
    client = login(owner)
    client.post(url("inbox_item_note", org, pk=item.pk), {"text": "call them back"})
    assert InboxNote.objects.get(item=item).text == "call them back"
    assert client.post(url("inbox_item_note", org, pk=item.pk), {"text": " "}).status_code == 400
    assert "call them back" in client.get(url("inbox_item", org, pk=item.pk)).content.decode()


def test_new_items_poll_returns_only_newer_rows(login, owner, org, account):
    first = InboxItemFactory(organization=org, account=account, text="already shown")
    client = login(owner)
    r = client.get(url("inbox_new", org), {"since": first.pk})
    assert "already shown" not in r.content.decode()
    InboxItemFactory(organization=org, account=account, text="fresh comment")
    body = client.get(url("inbox_new", org), {"since": first.pk}).content.decode()
    assert "fresh comment" in body and 'hx-swap-oob="afterbegin:#inbox-list"' in body


def test_nav_shows_the_open_count(login, owner, org, account):
    InboxItemFactory.create_batch(3, organization=org, account=account)
    InboxItemFactory(organization=org, account=account, status="done")
    body = login(owner).get(url("inbox", org)).content.decode()
    assert "3 open items" in body
