"""RSS/Atom feeds as a content source, read over real HTTP from a local server."""

from __future__ import annotations

import datetime as dt
import http.server
import threading

import pytest
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.services.errors import ServiceError
from content.models import Feed, FeedEntry, Post, QueueSlot
from content.services.feeds import feed_add, feed_read, feeds_enqueue_due
from content.workflows import PostState
from tests.factories import ConnectedAccountFactory

pytestmark = pytest.mark.django_db


def _rss(items: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f"<item><guid>{guid}</guid><title>{title}</title><link>https://blog.example/{guid}</link>"
        f"<description>{summary}</description>"
        f"<pubDate>Mon, 07 Dec 2026 0{i}:00:00 GMT</pubDate></item>"
        for i, (guid, title, summary) in enumerate(items))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Acme Blog</title>'
            f"<link>https://blog.example/</link>{body}</channel></rss>").encode()


class FeedServer(http.server.BaseHTTPRequestHandler):
    items: list[tuple[str, str, str]] = []
    status = 200
    requests: list[dict] = []

    def do_GET(self):
        type(self).requests.append(dict(self.headers))
        body = _rss(self.items) if self.path == "/feed.xml" else b"<html><p>no feed</p></html>"
        etag = f'"{hash(body)}"'
        if self.status != 200:
            self.send_response(self.status)
            self.end_headers()
            return
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        kind = "application/rss+xml" if self.path == "/feed.xml" else "text/html"
        self.send_header("Content-Type", kind)
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(settings):
    settings.SSRF_ALLOW_LOOPBACK = True  # the feed server runs on this machine
    FeedServer.items = [("a1", "Spring menu", "Asparagus is back."),
                        ("a2", "New opening hours", "Open on Sundays.")]
    FeedServer.status = 200
    FeedServer.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FeedServer)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def account(org):
    return ConnectedAccountFactory(organization=org)


def _due(feed: Feed) -> None:
    Feed.objects.filter(pk=feed.pk).update(next_check_at=timezone.now() - dt.timedelta(seconds=1))


def _add(org, owner, server, account, **kwargs) -> Feed:
    return feed_add(organization=org, actor=owner, url=f"{server}/feed.xml",
                    account_ids=[account.pk], **kwargs)


def test_adding_a_feed_remembers_its_articles_without_posting_them(org, owner, server, account):
    feed = _add(org, owner, server, account)
    assert feed.title == "Acme Blog"
    assert FeedEntry.objects.filter(feed=feed).count() == 2
    assert not Post.objects.for_org(org).exists()
    assert AuditEntry.objects.filter(verb="content.feed.added").exists()


def test_a_new_article_becomes_one_draft_and_an_edited_one_no_second(org, owner, server,
                                                                     account):
    feed = _add(org, owner, server, account,
                template="{title} — {summary}\n{link}")
    FeedServer.items.insert(0, ("a3", "Summer party", "<b>Join us</b> on Saturday."))
    _due(feed)
    result = feed_read(feed_id=feed.pk)
    assert (result.outcome, result.posts) == ("new", 1)
    post = Post.objects.for_org(org).get()
    assert post.status == PostState.DRAFT and post.author == owner
    assert post.text == "Summer party — Join us on Saturday.\nhttps://blog.example/a3"
    assert list(post.targets.values_list("account_id", flat=True)) == [account.pk]
    assert FeedEntry.objects.get(feed=feed, post=post).link == "https://blog.example/a3"

    # Unchanged: the server answers 304 to the stored ETag, nothing new.
    _due(feed)
    assert feed_read(feed_id=feed.pk).outcome == "unchanged"
    assert FeedServer.requests[-1].get("If-None-Match")
    # Edited upstream (same id, new title): still one post.
    FeedServer.items[0] = ("a3", "Summer party (new date)", "Now on Sunday.")
    _due(feed)
    assert feed_read(feed_id=feed.pk).posts == 0
    assert Post.objects.for_org(org).count() == 1


def test_a_feed_is_not_read_before_it_is_due_or_twice(org, owner, server, account):
    feed = _add(org, owner, server, account)
    assert feed_read(feed_id=feed.pk).outcome == "skipped"  # just read when it was added
    assert feeds_enqueue_due() == []
    _due(feed)
    assert feeds_enqueue_due() == [feed.pk]


def test_auto_queue_puts_the_post_into_the_next_free_slot(org, owner, server,
                                                          connect_sandbox_account):
    account = connect_sandbox_account(org, "acme_coffee")  # its limits are read for real
    QueueSlot.objects.create(organization=org, account=account, weekday=0,
                             time=dt.time(9, 0))
    feed = _add(org, owner, server, account, auto_queue=True)
    FeedServer.items.insert(0, ("a3", "Summer party", "Saturday."))
    _due(feed)
    feed_read(feed_id=feed.pk)
    post = Post.objects.for_org(org).get()
    assert post.status == PostState.SCHEDULED
    assert post.scheduled_at > timezone.now()


def test_auto_queue_without_slots_leaves_a_draft(org, owner, server, account):
    feed = _add(org, owner, server, account, auto_queue=True)
    FeedServer.items.insert(0, ("a3", "Summer party", "Saturday."))
    _due(feed)
    feed_read(feed_id=feed.pk)
    assert Post.objects.for_org(org).get().status == PostState.DRAFT


def test_a_broken_feed_keeps_its_error_and_backs_off(org, owner, server, account):
    feed = _add(org, owner, server, account)
    FeedServer.status = 500
    _due(feed)
    assert feed_read(feed_id=feed.pk).outcome == "error"
    feed.refresh_from_db()
    assert (feed.last_error, feed.failures) == ("http_500", 1)
    assert feed.next_check_at > timezone.now() + dt.timedelta(minutes=30)
    FeedServer.status = 200
    _due(feed)
    assert feed_read(feed_id=feed.pk).outcome in ("new", "unchanged")
    feed.refresh_from_db()
    assert (feed.last_error, feed.failures) == ("", 0)


@pytest.mark.parametrize("url, code", [
    ("http://10.0.0.5/feed.xml", "refused"),
    ("http://169.254.169.254/latest/meta-data/", "refused"),
    ("file:///etc/passwd", "refused"),
])
def test_private_addresses_are_refused_and_nothing_is_saved(org, owner, account, url, code):
    with pytest.raises(ServiceError) as refused:
        feed_add(organization=org, actor=owner, url=url, account_ids=[account.pk])
    assert refused.value.code == code
    assert not Feed.objects.exists()


def test_a_page_that_is_not_a_feed_is_refused(org, owner, server, account):
    with pytest.raises(ServiceError) as refused:
        feed_add(organization=org, actor=owner, url=f"{server}/blog", account_ids=[account.pk])
    assert refused.value.code == "not_a_feed"


def test_a_template_with_an_unknown_placeholder_is_refused(org, owner, server, account):
    with pytest.raises(ServiceError) as refused:
        _add(org, owner, server, account, template="{headline} {link}")
    assert refused.value.code == "template"
    assert not Feed.objects.exists()


def test_another_organisations_account_cannot_be_a_target(org, owner, server, other_org):
    theirs = ConnectedAccountFactory(organization=other_org)
    with pytest.raises(ServiceError):
        feed_add(organization=org, actor=owner, url=f"{server}/feed.xml",
                 account_ids=[theirs.pk])


def test_settings_page_adds_lists_and_removes_feeds(org, owner, server, account, client,
                                                     other_org):
    client.force_login(owner)
    url = f"/o/{org.slug}/settings/feeds/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"url": f"{server}/feed.xml", "accounts": [account.pk],
                                 "template": "{title} {link}"})
    assert response.status_code == 302
    feed = Feed.objects.for_org(org).get()
    page = client.get(url).content.decode()
    assert "Acme Blog" in page and "become drafts" in page
    bad = client.post(url, {"url": "http://10.0.0.5/x", "accounts": [account.pk],
                            "template": "{title}"})
    assert bad.status_code == 400 and "not allowed" in bad.content.decode()
    theirs = Feed.objects.create(organization=other_org, url="https://other.example/feed")
    assert client.post(f"{url}{theirs.pk}/remove/").status_code == 404
    assert client.post(f"{url}{feed.pk}/remove/").status_code == 302
    assert not Feed.objects.for_org(org).exists() and Feed.objects.filter(pk=theirs.pk).exists()
