"""The signed-in layout on every page: its queries (constant, few once cached) and its cached
parts following every change (navigation counts, organisation switcher, reconnect banner).

`/o/<slug>/bench-shell/` is the pages bench's empty page in the layout (bench/_shell_urls.py).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AccountAccess, AccountStatus
from accounts.roles import Role
from accounts.services.connected_accounts import account_mark_needs_reconnect, account_rename
from content.models import Post
from content.services.notifications import notifications_mark_read, notify
from content.services.transitions import post_transition
from inbox.models import InboxItem
from tests.factories import ConnectedAccountFactory, MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench._shell_urls")]

SHELL = "/o/acme/bench-shell/"


def _queries(client, path=SHELL) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def _fill(org, editor, n):
    accounts = [ConnectedAccountFactory(organization=org) for _ in range(n)]
    for i, account in enumerate(accounts):
        Post.objects.create(organization=org, author=editor, text=f"p{i}",
                            status="pending_approval", timezone="UTC")
        InboxItem.objects.create(organization=org, account=account, kind="comment",
                                 remote_id=f"r{i}", author_handle="@a", text="hi",
                                 created_at=org.created_at)
        MembershipFactory(user=editor, organization=OrganizationFactory())
    account_mark_needs_reconnect(account=accounts[0], reason="expired")


def test_the_shell_asks_few_queries_whatever_the_data_size(org, member_of, login):
    editor = member_of(Role.EDITOR)
    client = login(editor)
    _fill(org, editor, 2)
    client.get("/preferences/")  # a session's first request records it (allauth usersessions)
    first, _html = _queries(client)
    assert first <= 10
    warm, html = _queries(client)
    # The user and the membership; session, counts, switcher and banner come from the cache.
    assert warm <= 3
    assert "needs to be reconnected" in html or "need to be reconnected" in html
    _fill(org, editor, 12)  # changes all of them: counted again, once
    assert _queries(client)[0] <= 10
    assert _queries(client)[0] <= warm


def test_a_member_limited_to_some_accounts_asks_a_constant_number_too(org, member_of, login):
    editor = member_of(Role.EDITOR)
    membership = editor.memberships.get(organization=org)
    mine = ConnectedAccountFactory(organization=org)
    AccountAccess.objects.create(membership=membership, account=mine)
    client = login(editor)
    _fill(org, editor, 2)
    client.get("/preferences/")
    small, _html = _queries(client)
    _fill(org, editor, 10)
    assert _queries(client)[0] <= small


def _approvals_badge(html: str) -> str | None:
    marker = "waiting for approval</span>"
    if marker not in html:
        return None
    head = html[:html.index(marker)]
    return head[head.rindex('<span aria-hidden="true">') + 25:].split("<")[0]


def test_approval_count_follows_saves_and_state_moves(org, member_of, login):
    editor = member_of(Role.EDITOR)
    client = login(editor)
    assert _approvals_badge(_queries(client)[1]) is None
    post = Post.objects.create(organization=org, author=editor, text="p", status="draft",
                               timezone="UTC")
    post_transition(post, "pending_approval", actor=editor)  # an UPDATE, no post_save
    assert _approvals_badge(_queries(client)[1]) == "1"
    Post.objects.create(organization=org, author=editor, text="q", status="pending_approval",
                        timezone="UTC")
    assert _approvals_badge(_queries(client)[1]) == "2"
    post_transition(post, "draft", actor=editor)
    assert _approvals_badge(_queries(client)[1]) == "1"
    Post.objects.filter(status="pending_approval").get().delete()
    assert _approvals_badge(_queries(client)[1]) is None


def test_unread_notifications_follow_new_and_read_ones(org, member_of, login):
    editor, approver = member_of(Role.EDITOR), member_of(Role.APPROVER)
    client = login(approver)
    assert 'data-testid="notification-count"' not in _queries(client)[1]
    post = Post.objects.create(organization=org, author=editor, text="p", status="draft",
                               timezone="UTC")
    notify(post=post, verb="content.post.commented", actor=editor, recipients=[approver])
    assert "1 unread notification" in _queries(client)[1]
    notifications_mark_read(user=approver, organization=org)
    assert 'data-testid="notification-count"' not in _queries(client)[1]


def test_organisation_switcher_follows_memberships_and_renames(org, member_of, login):
    editor = member_of(Role.EDITOR)
    client = login(editor)
    assert "Globex" not in _queries(client)[1]
    other = OrganizationFactory(name="Globex", slug="globex")
    membership = MembershipFactory(user=editor, organization=other)
    assert "Globex" in _queries(client)[1]
    other.name = "Initech"
    other.save()
    html = _queries(client)[1]
    assert "Initech" in html and "Globex" not in html
    membership.delete()
    assert "Initech" not in _queries(client)[1]


def test_reconnect_banner_follows_account_changes(org, member_of, login):
    client = login(member_of(Role.EDITOR))
    account = ConnectedAccountFactory(organization=org, label="Shop account")
    assert "reconnected" not in _queries(client)[1]
    account_mark_needs_reconnect(account=account, reason="expired")  # an UPDATE
    assert "Shop account" in _queries(client)[1]
    account_rename(account=account, label="Café account", actor=None)
    assert "Café account" in _queries(client)[1]
    account.status = AccountStatus.ACTIVE
    account.save()
    assert "reconnected" not in _queries(client)[1]


def test_a_limited_member_sees_only_their_accounts_in_the_banner(org, member_of, login):
    editor = member_of(Role.EDITOR)
    mine, theirs = (ConnectedAccountFactory(organization=org, label=label)
                    for label in ("Mine", "Theirs"))
    AccountAccess.objects.create(membership=editor.memberships.get(organization=org),
                                 account=mine)
    account_mark_needs_reconnect(account=theirs, reason="expired")
    owner = member_of(Role.OWNER)
    assert "Theirs" in _queries(login(owner))[1]  # cached for the organisation
    assert "reconnected" not in _queries(login(editor))[1]
