"""Every main page asks a number of queries that does not grow with the organisation's data
(issue 16: the pages bench times them; here only the counts are asserted, never times).

Each page is asked once with a small organisation and again after it grew several times
over (posts with targets and metrics, inbox conversations, media, audit entries, members,
accounts); the second count may not exceed the first.
"""

import datetime as dt
import hashlib
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.roles import Role
from api.services.tokens import api_token_create
from content.models import MediaAsset
from inbox.models import InboxItem
from tests.factories import ConnectedAccountFactory, MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench._shell_urls")]

_n = iter(range(1_000_000))


def _grow(org, users, accounts: int) -> None:
    """`accounts` more accounts, each with the demo's weeks of posts, metrics and inbox."""
    from analytics import demo

    labels = demo._labels(org)
    now = timezone.now()
    for _ in range(accounts):
        n = next(_n)
        account = ConnectedAccountFactory(organization=org, provider="sandbox",
                                          handle=f"@grow{n}")
        rng = random.Random(n)
        demo._account_history(org, account, rng, now)
        demo._post_history(org, account, users, labels, rng, now)
        InboxItem.objects.bulk_create([
            InboxItem(organization=org, account=account, kind="comment",
                      remote_id=f"grow-{n}-{i}", author_handle=f"@fan{i}", text=f"Hi {i}",
                      created_at=now - dt.timedelta(hours=i), status="open" if i % 2 else "done")
            for i in range(8)])
        MediaAsset.objects.bulk_create([
            MediaAsset(organization=org, file=f"media/t/{n}-{i}.jpg", original_name=f"{i}.jpg",
                       kind="image", content_type="image/jpeg", width=10, height=10, size=10,
                       sha256=hashlib.sha256(f"{n}-{i}".encode()).hexdigest())
            for i in range(4)])
        AuditEntry.objects.bulk_create([
            AuditEntry(organization=org, actor=users[Role.OWNER], verb="post.scheduled",
                       target_type="content.post", target_id=str(i), target_label=f"p{i}",
                       details={})
            for i in range(10)])
        MembershipFactory(organization=org, role=Role.EDITOR)


PAGES = {
    "shell": ("editor", "/o/acme/bench-shell/"),
    "dashboard": ("editor", "/o/acme/"),
    "calendar": ("editor", "/o/acme/calendar/"),
    "calendar_feed": ("editor", "/o/acme/calendar/feed/?start={month_start}&end={month_end}"),
    "post_detail": ("editor", "/o/acme/posts/{post}/"),
    "composer": ("editor", "/o/acme/compose/"),
    "media_library": ("editor", "/o/acme/media/"),
    "approvals": ("editor", "/o/acme/approvals/"),
    "inbox": ("editor", "/o/acme/inbox/"),
    "inbox_conversation": ("editor", "/o/acme/inbox/{item}/"),
    "analytics": ("editor", "/o/acme/analytics/"),
    "reports": ("owner", "/o/acme/analytics/settings/"),
    "preferences": ("editor", "/preferences/"),
    "settings": ("owner", "/o/acme/settings/"),
    "members": ("owner", "/o/acme/settings/members/"),
    "audit_log": ("owner", "/o/acme/settings/audit/"),
    "api_posts": ("api", "/api/v1/posts/"),
    "api_accounts": ("api", "/api/v1/accounts/"),
    "api_media": ("api", "/api/v1/media/"),
    "api_inbox_items": ("api", "/api/v1/inbox/items/"),
}


def _url(template: str, org) -> str:
    from content.models import Post

    today = timezone.now().date()
    start = today.replace(day=1) - dt.timedelta(days=7)
    post = Post.objects.filter(organization=org).order_by("pk").first()
    item = InboxItem.objects.filter(organization=org).order_by("pk").first()
    return template.format(post=post.pk, item=item.pk, month_start=f"{start}T00:00:00Z",
                           month_end=f"{start + dt.timedelta(days=42)}T00:00:00Z")


def _count(client, url: str) -> int:
    client.get(url)  # once before: sessions and per-process look-ups settle
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", list(PAGES))
def test_page_queries_do_not_grow_with_the_data(page, org, client, django_user_model):
    from django.test import Client

    users = {role: MembershipFactory(organization=org, role=role).user for role in Role}
    _grow(org, users, accounts=1)
    who, template = PAGES[page]
    if who == "api":
        token = api_token_create(organization=org, actor=users[Role.OWNER], name="t",
                                 role=Role.EDITOR).plain
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    else:
        client.force_login(users[Role.EDITOR if who == "editor" else Role.OWNER])
    url = _url(template, org)
    small = _count(client, url)
    _grow(org, users, accounts=4)
    assert _count(client, url) <= small, page


def test_the_shell_asks_at_most_ten_queries(org, client):
    client.force_login(MembershipFactory(organization=org, role=Role.EDITOR).user)
    client.get("/preferences/")  # a session's first request records it (allauth)
    with CaptureQueriesContext(connection) as ctx:
        client.get("/o/acme/bench-shell/")
    assert len(ctx.captured_queries) <= 10
