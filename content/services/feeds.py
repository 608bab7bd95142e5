"""RSS/Atom feeds: an admin adds a feed, and each new article becomes a draft — or a
post in the accounts' next queue slot, which still waits for approval where approval
is required.

Feeds are read through the SSRF guard with conditional GET (ETag, Last-Modified), at
`FEED_POLL_MINUTES` at most once, backing off after failures. An article is remembered
by its id (its link when it has none): it is posted once, and an article edited upstream
does not come back as a second post. The first read of a feed only remembers what is
there, so adding a feed does not flood the calendar with its back catalogue.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import string
from dataclasses import dataclass

import feedparser
import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import Membership
from accounts.services.errors import ServiceError
from content.models import Feed, FeedEntry, Post
from content.selectors import usable_accounts
from content.services.access import require
from content.services.posts import PostData, post_create
from content.services.queue import post_add_to_queue
from content.services.workflow import post_submit
from lib.netguard import UnsafeURL, guarded_get, safe_public_url
from lib.taskqueue import enqueue

log = logging.getLogger(__name__)

MAX_BYTES = 2 * 1024 * 1024
NEW_PER_READ = 5  # articles turned into posts per read; the rest wait for the next one
MAX_BACKOFF = dt.timedelta(hours=24)
PLACEHOLDERS = {"title", "link", "summary"}
SUMMARY_CHARS = 280


@dataclass(frozen=True)
class Article:
    key: str
    title: str
    link: str
    summary: str
    published_at: dt.datetime | None


@dataclass(frozen=True)
class ReadResult:
    outcome: str  # "new" | "unchanged" | "error" | "skipped"
    posts: int = 0


class FeedProblem(Exception):
    """A read that failed; `code` is stored on the feed and shown translated."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def feed_error_message(code: str) -> str:
    """What a person reads for the code in `Feed.last_error`."""
    if code.startswith("http_"):
        return _("The server answered with HTTP status %(status)s.") % {"status": code[5:]}
    return {
        "refused": _("The address is not allowed: it is not a public internet address. If it "
                     "is your organisation's own server, the administrator of this "
                     "installation can allow it with the setting SSRF_ALLOW_HOSTS."),
        "unreachable": _("The server could not be reached."),
        "not_a_feed": _("The address does not answer with an RSS or Atom feed."),
        "too_large": _("The feed is larger than 2 MB."),
        "author_gone": _("The person who added the feed is no longer a member who may "
                         "write posts: add the feed again as another member."),
        "no_accounts": _("None of the feed's accounts can be posted to any more."),
    }.get(code, _("The feed could not be read."))


# --- adding and removing -------------------------------------------------------------

def _check_template(template: str) -> str:
    template = template.strip() or "{title}\n\n{link}"
    try:
        names = {name for _text, name, _spec, _conv in string.Formatter().parse(template)
                 if name is not None}
    except ValueError as exc:
        raise ServiceError(_("The post text has an unmatched brace: %(error)s")
                           % {"error": exc}, code="template") from exc
    unknown = names - PLACEHOLDERS
    if unknown:
        raise ServiceError(_("The post text may use {title}, {link} and {summary}; "
                             "“%(name)s” is not one of them.") % {"name": sorted(unknown)[0]},
                           code="template")
    return template


def feed_add(*, organization, actor, url: str, account_ids: list[int], title: str = "",
             template: str = "", auto_queue: bool = False) -> Feed:
    """Add a feed after reading it once (a wrong address is refused with the reason)."""
    membership = require(actor, organization, "org.settings")
    url = url.strip()
    try:
        safe_public_url(url)
    except UnsafeURL as exc:
        raise ServiceError(str(exc), code="refused") from exc  # says which setting allows it
    allowed = {a.pk: a for a in usable_accounts(membership)}
    accounts = [allowed[i] for i in dict.fromkeys(account_ids) if i in allowed]
    if not accounts or len(accounts) != len(set(account_ids)):
        raise ServiceError(_("Choose at least one account you may post to."), code="accounts")
    template = _check_template(template)
    if Feed.objects.for_org(organization).filter(url=url).exists():
        raise ServiceError(_("This feed has been added already."), code="duplicate")
    try:
        headers, parsed = _read(url, etag="", last_modified="")
    except FeedProblem as problem:
        raise ServiceError(feed_error_message(problem.code), code=problem.code) from problem
    feed_title = (title.strip() or strip_tags(parsed.feed.get("title", "")) or url)[:200]
    with transaction.atomic():
        feed = Feed.objects.create(
            organization=organization, url=url, title=feed_title, template=template,
            auto_queue=auto_queue, created_by=actor, primed=True,
            etag=(headers.get("etag") or "")[:500],
            last_modified=(headers.get("last-modified") or "")[:100],
            last_checked_at=timezone.now(), next_check_at=timezone.now() + _interval())
        feed.accounts.set(accounts)
        FeedEntry.objects.bulk_create(
            [_entry_row(feed, article) for article in _articles(parsed)], ignore_conflicts=True)
        audit_record(organization=organization, actor=actor, verb="content.feed.added",
                     target=feed, details={"url": url, "accounts": [a.pk for a in accounts],
                                           "auto_queue": auto_queue})
    return feed


def feed_set_enabled(*, feed: Feed, actor, enabled: bool) -> Feed:
    require(actor, feed.organization, "org.settings")
    Feed.objects.filter(pk=feed.pk).update(
        enabled=enabled, next_check_at=timezone.now() if enabled else feed.next_check_at,
        failures=0 if enabled else feed.failures)
    audit_record(organization=feed.organization, actor=actor,
                 verb="content.feed.enabled" if enabled else "content.feed.paused",
                 target=feed, details={"url": feed.url})
    feed.refresh_from_db()
    return feed


def feed_delete(*, feed: Feed, actor) -> None:
    """Remove the feed; the posts made from it stay."""
    require(actor, feed.organization, "org.settings")
    audit_record(organization=feed.organization, actor=actor, verb="content.feed.removed",
                 target=feed, details={"url": feed.url})
    feed.delete()


def feed_check_now(*, feed: Feed, actor) -> None:
    require(actor, feed.organization, "org.settings")
    Feed.objects.filter(pk=feed.pk).update(next_check_at=timezone.now())
    enqueue("content.read_feed", feed.pk)


# --- reading ---------------------------------------------------------------------------

def _interval() -> dt.timedelta:
    return dt.timedelta(minutes=max(5, settings.FEED_POLL_MINUTES))


def _read(url: str, *, etag: str, last_modified: str):
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
                         "text/xml;q=0.8, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        response = guarded_get(url, headers=headers, max_bytes=MAX_BYTES)
    except UnsafeURL as exc:  # a refused address (also after a redirect), or too large
        raise FeedProblem("too_large" if str(exc) == _("The answer is too large.")
                          else "refused") from exc
    except requests.RequestException as exc:
        raise FeedProblem("unreachable") from exc
    answer = {k.lower(): v for k, v in response.headers.items()}
    if response.status_code == 304:
        return answer, None
    if response.status_code >= 400:
        raise FeedProblem(f"http_{response.status_code}")
    parsed = feedparser.parse(response.content, response_headers=answer)
    if not parsed.get("version") and not parsed.entries:
        raise FeedProblem("not_a_feed")
    return answer, parsed


def _articles(parsed) -> list[Article]:
    """The feed's articles, oldest first (feeds list the newest first)."""
    found = []
    for entry in parsed.entries:
        link = entry.get("link", "") or ""
        if link and not link.lower().startswith(("http://", "https://")):
            link = ""
        ident = entry.get("id") or link
        if not ident:
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = dt.datetime(*stamp[:6], tzinfo=dt.UTC) if stamp else None
        summary = " ".join(strip_tags(entry.get("summary", "") or "").split())
        if len(summary) > SUMMARY_CHARS:
            summary = summary[:SUMMARY_CHARS - 1].rsplit(" ", 1)[0] + "…"
        found.append(Article(key=hashlib.sha256(ident.encode()).hexdigest(),
                             title=" ".join(strip_tags(entry.get("title", "") or "").split()),
                             link=link, summary=summary, published_at=published))
    found.reverse()
    return found


def _entry_row(feed: Feed, article: Article) -> FeedEntry:
    return FeedEntry(feed=feed, key=article.key, link=article.link[:2000],
                     title=article.title[:300], published_at=article.published_at)


def feeds_enqueue_due(*, now: dt.datetime | None = None) -> list[int]:
    """Beat: queue a read of every active feed that is due."""
    now = now or timezone.now()
    due = list(Feed.objects.filter(enabled=True, next_check_at__lte=now)
               .values_list("pk", flat=True)[:500])
    for pk in due:
        enqueue("content.read_feed", pk)
    return due


def feed_read(*, feed_id: int, now: dt.datetime | None = None) -> ReadResult:
    """Read one feed now and turn its new articles into posts. Claimed first (the next
    check moves forward in a compare-and-set), so two workers never read it twice."""
    now = now or timezone.now()
    feed = Feed.objects.select_related("organization", "created_by").filter(
        pk=feed_id, enabled=True).first()
    if feed is None or (feed.next_check_at and feed.next_check_at > now):
        return ReadResult("skipped")
    claimed = Feed.objects.filter(pk=feed.pk, next_check_at=feed.next_check_at).update(
        next_check_at=now + _interval())
    if not claimed:
        return ReadResult("skipped")
    try:
        headers, parsed = _read(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        posts = 0 if parsed is None else _take_new(feed, _articles(parsed))
    except FeedProblem as problem:
        _failed(feed, problem.code, now)
        return ReadResult("error")
    updates = {"last_checked_at": now, "last_error": "", "failures": 0, "primed": True}
    if parsed is not None:
        updates["etag"] = (headers.get("etag") or "")[:500]
        updates["last_modified"] = (headers.get("last-modified") or "")[:100]
    Feed.objects.filter(pk=feed.pk).update(**updates)
    return ReadResult("unchanged" if parsed is None else "new", posts=posts)


def _failed(feed: Feed, code: str, now: dt.datetime) -> None:
    failures = feed.failures + 1
    backoff = min(_interval() * (2 ** min(failures, 8)), MAX_BACKOFF)
    Feed.objects.filter(pk=feed.pk).update(last_error=code, failures=failures,
                                           last_checked_at=now, next_check_at=now + backoff)
    log.info("feed %s: %s (failure %d)", feed.pk, code, failures)


def _take_new(feed: Feed, articles: list[Article]) -> int:
    known = set(FeedEntry.objects.filter(feed=feed, key__in=[a.key for a in articles])
                .values_list("key", flat=True))
    new = [a for a in articles if a.key not in known]
    if not feed.primed:  # the first read remembers the back catalogue, posts nothing
        FeedEntry.objects.bulk_create([_entry_row(feed, a) for a in new],
                                      ignore_conflicts=True)
        return 0
    membership = Membership.objects.filter(organization=feed.organization,
                                           user=feed.created_by).first()
    if new and (membership is None or not membership.can("post.edit")):
        raise FeedProblem("author_gone")
    account_ids = list(feed.accounts.values_list("pk", flat=True))
    usable = {a.pk for a in usable_accounts(membership)} if membership else set()
    account_ids = [pk for pk in account_ids if pk in usable]
    if new and not account_ids:
        raise FeedProblem("no_accounts")
    made = 0
    for article in new[:NEW_PER_READ]:
        made += _post_article(feed, article, account_ids)
    return made


def _post_article(feed: Feed, article: Article, account_ids: list[int]) -> int:
    """Remember the article and make its post in one transaction: posted once."""
    text = feed.template.format(title=article.title, link=article.link,
                                summary=article.summary).strip()
    try:
        with transaction.atomic():
            entry = FeedEntry.objects.create(**{f: getattr(_entry_row(feed, article), f)
                                                for f in ("feed", "key", "link", "title",
                                                          "published_at")})
            post = post_create(organization=feed.organization, actor=feed.created_by,
                               data=PostData(text=text, account_ids=account_ids,
                                             title=article.title[:120],
                                             link_url=article.link[:2000],
                                             notes=_("From the feed “%(feed)s”.")
                                             % {"feed": feed.title}))
            entry.post = post
            entry.save(update_fields=["post"])
            if feed.auto_queue:
                _queue(post, feed)
    except IntegrityError:
        return 0  # another worker remembered it first
    return 1


def _queue(post: Post, feed: Feed) -> None:
    """Into the next free slot; where approval is required the post is submitted. When it
    cannot be queued (no free slot, the author's role no longer schedules) it stays a
    draft, which is where a person looks anyway."""
    try:
        result = post_add_to_queue(post=post, actor=feed.created_by)
        if not result.scheduled:
            post.refresh_from_db()
            post_submit(post=post, actor=feed.created_by)
    except ServiceError as exc:
        log.info("feed %s: post %s stays a draft (%s)", feed.pk, post.pk, exc.code)
