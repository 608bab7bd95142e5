"""Only absolute http(s) URLs from a platform are stored or rendered as links (issue 13,
item 4).

A connected server chooses what it puts in a status's `url`/`uri`, an author's `avatar`:
here a Mastodon server (faked at the HTTP layer from the recorded payloads) answers with
`javascript:`, `data:` and `vbscript:` URLs, in mixed case and behind spaces. They are not
stored, and values stored before the check existed are not rendered as links either.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import responses
from django.urls import reverse

from content.models import PostTarget
from content.pipeline import publishing_tick
from content.services.posts import PostData, post_create
from content.services.workflow import post_publish_now
from inbox.models import InboxCursor, InboxItem
from inbox.services import inbox_poll_cursor
from lib.weburl import http_url
from tests.inbox.factories import InboxItemFactory
from tests.platforms import mastodon_fake as fake

BAD = ["javascript:alert(document.cookie)", "JaVaScRiPt:alert(1)", "  javascript:alert(1)",
       "\tjavascript:alert(1)", "java\tscript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=",
       "DATA:image/svg+xml,<svg onload=alert(1)>", "vbscript:msgbox(1)", " VBScript:x",
       "//evil.example/x", "https:evil.example", "https://", "ftp://files.example/a",
       "https://exa mple.org/", "https://example.org/\nx", ""]
GOOD = ["https://social.example/@acme/1", "http://127.0.0.1:3999/@a/2",
        "HTTPS://Social.Example/@acme/3"]


@pytest.mark.parametrize("value", BAD)
def test_anything_but_an_absolute_http_url_is_no_link(value):
    assert http_url(value) == ""


@pytest.mark.parametrize("value", GOOD)
def test_absolute_http_urls_are_kept(value):
    assert http_url(value) == value
    assert http_url(f"  {value} ") == value  # surrounding spaces are trimmed, not kept


def test_non_strings_and_overlong_urls_are_no_link():
    assert http_url(None) == "" and http_url(42) == ""
    assert http_url("https://example.org/" + "a" * 1000) == ""


def _no_script_links(html: str) -> None:
    links = re.findall(r'(?:href|src)="([^"]*)"', html)
    assert not [u for u in links if re.match(r"\s*(javascript|data|vbscript):", u, re.I)]
    assert not re.search(r"(?i)(href|src)=\"\s*(javascript|data|vbscript):", html)


@pytest.fixture
def mastodon(settings, org):
    settings.SSRF_ALLOW_LOOPBACK = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "platform-urls"}}
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake.add_instance(rsps)
        yield rsps, fake.make_account(organization=org)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "uri", "stored"), [
    ("javascript:alert(document.cookie)", " JaVaScRiPt:alert(1)", ""),
    ("vbscript:msgbox(1)", "https://social.example/users/acme/statuses/1",
     "https://social.example/users/acme/statuses/1"),
])
def test_a_published_post_keeps_only_an_http_link(mastodon, org, owner, login, url, uri,
                                                   stored):
    rsps, account = mastodon
    fake.add_status_created(rsps, url=url, uri=uri)
    post = post_create(organization=org, actor=owner,
                       data=PostData(text="Hello", account_ids=[account.pk]))
    post_publish_now(post=post, actor=owner)
    publishing_tick()
    target = PostTarget.objects.get(post=post)
    assert target.status == "published" and target.remote_url == stored
    client = login(owner)
    page = client.get(reverse("post_detail", kwargs={"org_slug": org.slug, "pk": post.pk}))
    assert page.status_code == 200
    _no_script_links(page.content.decode())
    assert (f'href="{stored}"' in page.content.decode()) == bool(stored)


@pytest.mark.django_db
def test_inbox_items_keep_no_script_permalink_or_avatar(mastodon, org, owner, login):
    rsps, account = mastodon
    notifications = fake.fixture("notifications_mentions")
    notifications[0]["status"]["url"] = "javascript:alert(1)"
    notifications[0]["status"]["uri"] = "  JAVASCRIPT:alert(2)"
    notifications[0]["status"]["account"]["avatar"] = "data:image/svg+xml,<svg onload=x>"
    notifications[1]["status"]["account"]["avatar"] = " vbscript:msgbox(1)"
    rsps.add(responses.GET, f"{fake.BASE}/api/v1/notifications", json=notifications)
    cursor = InboxCursor.objects.create(account=account, source="inbox")
    inbox_poll_cursor(cursor_id=cursor.pk)
    first = InboxItem.objects.get(account=account,
                                  remote_id=notifications[0]["status"]["id"])
    second = InboxItem.objects.get(account=account,
                                   remote_id=notifications[1]["status"]["id"])
    assert first.url == "" and first.author_avatar_url == ""
    assert second.url == notifications[1]["status"]["url"] and second.author_avatar_url == ""
    client = login(owner)
    for item in (first, second):
        page = client.get(reverse("inbox_item", kwargs={"org_slug": org.slug, "pk": item.pk}))
        assert page.status_code == 200
        _no_script_links(page.content.decode())


@pytest.mark.django_db
def test_urls_stored_before_the_check_are_not_rendered_as_links(org, owner, login):
    """Rows written by an older version (or by hand) still hold a `javascript:` URL."""
    from tests.factories import ConnectedAccountFactory

    account = ConnectedAccountFactory(organization=org, provider="mastodon")
    item = InboxItemFactory(organization=org, account=account, url="javascript:alert(1)")
    post = post_create(organization=org, actor=owner,
                       data=PostData(text="Old", account_ids=[account.pk]))
    PostTarget.objects.filter(post=post).update(status="published", remote_id="1",
                                                remote_url=" javascript:alert(3)")
    target = PostTarget.objects.get(post=post)
    client = login(owner)
    for url in (reverse("inbox_item", kwargs={"org_slug": org.slug, "pk": item.pk}),
                reverse("post_detail", kwargs={"org_slug": org.slug, "pk": post.pk}),
                reverse("calendar_preview", kwargs={"org_slug": org.slug, "pk": post.pk})):
        page = client.get(url)
        assert page.status_code == 200, url
        _no_script_links(page.content.decode())
    # The API hands out the same: an http(s) URL or "".
    from api.serializers.inbox import InboxItemSerializer
    from api.serializers.posts import TargetSerializer

    assert TargetSerializer(target).data["remote_url"] == ""
    assert InboxItemSerializer(item).data["url"] == ""


# href/src attributes filled from a model field: platform data unless it is our own file.
_ATTR = re.compile(r'(?:href|src)="\{\{\s*([^}|]+?)\s*(\|[^}]*)?\}\}"')
_PLATFORM_FIELDS = re.compile(r"(remote_url|\.url$|permalink|profile|avatar)")


def test_templates_render_platform_urls_only_through_the_http_url_filter():
    root = Path(__file__).resolve().parent.parent / "templates"
    unchecked = []
    for path in root.rglob("*.html"):
        for name, filters in _ATTR.findall(path.read_text()):
            if _PLATFORM_FIELDS.search(name) and not name.endswith(".file.url") \
                    and "http_url" not in (filters or ""):
                unchecked.append(f"{path.relative_to(root)}: {name}")
    assert not unchecked, unchecked


@pytest.mark.django_db
def test_a_sent_reply_keeps_only_an_http_link(mastodon, org, owner, login):
    """The worker sends the reply; the server answers with a `javascript:` status url."""
    from accounts.models import Membership
    from inbox.models import InboxReply
    from inbox.services.replies import inbox_reply_create, inbox_reply_send

    rsps, account = mastodon
    parent = fake.fixture("notifications_mentions")[0]["status"]
    rsps.add(responses.GET, f"{fake.BASE}/api/v1/statuses/{parent['id']}", json=parent)
    fake.add_status_created(rsps, url=" javascript:alert(1)", uri="data:text/html,x")
    item = InboxItemFactory(organization=org, account=account, remote_id=parent["id"],
                            kind="mention")
    membership = Membership.objects.get(user=owner, organization=org)
    reply = inbox_reply_create(item=item, membership=membership, text="Yes!")
    inbox_reply_send(reply_id=reply.pk)
    reply = InboxReply.objects.get(pk=reply.pk)
    assert reply.status == "sent" and reply.remote_url == ""
    page = login(owner).get(reverse("inbox_item", kwargs={"org_slug": org.slug, "pk": item.pk}))
    _no_script_links(page.content.decode())


def test_every_provider_value_type_drops_script_urls():
    """The contract's value types hold http(s) or "" whatever a connector passes in (Meta,
    LinkedIn, X, Threads, Bluesky … all build these)."""
    import datetime as dt

    from platforms.base import InboxEntry, RemoteAccount, RemotePost

    assert RemotePost(id="1", url="javascript:alert(1)").url == ""
    assert RemoteAccount(external_id="1", handle="@a", avatar_url="DATA:image/png,x").avatar_url \
        == ""
    entry = InboxEntry(remote_id="1", kind="listening", author_handle="@a", author_name="A",
                       text="hi", url="vbscript:x", created_at=dt.datetime.now(dt.UTC),
                       author_avatar_url=" https://cdn.example/a.png ")
    assert entry.url == "" and entry.author_avatar_url == "https://cdn.example/a.png"
