"""Listening on Bluesky: `app.bsky.feed.searchPosts` (q, sort=latest, since, cursor).

Search is answered by the AppView; the account's PDS proxies it for an authenticated call
(`Authorization: Bearer <accessJwt>`; the public AppView may refuse unauthenticated search).
`q` takes keywords, "quoted phrases" and #hashtags (Lucene-like syntax).

Our cursor is the newest post time seen (its `sortAt`: the earlier of `createdAt` and
`indexedAt`), passed back as `since` (inclusive). Within one call the API's own cursor pages
backwards through everything newer than that, at most MAX_PAGES pages; the first poll (no
cursor) takes only the newest page, so a new saved search does not backfill the past.

`call(params)` sends the query with the account's session (the provider passes
`session.authed_call`, which renews an expired session once); errors are the typed ones.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from platforms.base import InboxEntry, InboxPage
from platforms.bluesky.records import web_url
from platforms.errors import Transient
from platforms.http import pick

log = logging.getLogger(__name__)

PAGE_SIZE = 100  # the lexicon's maximum
MAX_PAGES = 5
NSID = "app.bsky.feed.searchPosts"


def search_posts(call: Callable[[dict], Any], query: str, cursor: str = "") -> InboxPage:
    query = query.strip()
    if not query:
        return InboxPage(items=[], cursor=cursor)
    params: dict = {"q": query, "sort": "latest", "limit": PAGE_SIZE}
    if cursor:
        params["since"] = cursor
    entries: dict[str, InboxEntry] = {}
    newest = cursor
    for _page in range(MAX_PAGES if cursor else 1):
        body = call(dict(params))
        posts = body.get("posts") if isinstance(body, dict) else None
        if not isinstance(posts, list):
            raise Transient("unexpected Bluesky search results: no list of posts")
        for post in posts:
            try:
                entry, sort_at = listening_entry(post)
            except Transient as exc:  # one malformed post must not stop listening
                log.warning("listening: skipped a malformed Bluesky post: %s", exc)
                continue
            entries[entry.remote_id] = entry
            stamp = _stamp(sort_at)
            if not newest or stamp > newest:
                newest = stamp
        api_cursor = body.get("cursor")
        if not posts or not isinstance(api_cursor, str) or not api_cursor:
            break
        params["cursor"] = api_cursor
    items = sorted(entries.values(), key=lambda e: (e.created_at, e.remote_id))
    return InboxPage(items=items, cursor=newest or cursor)


def listening_entry(post) -> tuple[InboxEntry, dt.datetime]:
    """A postView as an inbox entry, and its sort time."""
    uri = pick(post, "uri", str, what="Bluesky post")
    author = pick(post, "author", dict, what="Bluesky post")
    record = pick(post, "record", dict, what="Bluesky post")
    handle = pick(author, "handle", str, what="Bluesky author")
    created = _time(record.get("createdAt"))
    indexed = _time(post.get("indexedAt")) if isinstance(post.get("indexedAt"), str) else created
    reply = record.get("reply") if isinstance(record.get("reply"), dict) else {}
    rkey = uri.rsplit("/", 1)[-1]
    entry = InboxEntry(
        remote_id=uri, kind="listening", author_handle=f"@{handle}",
        author_name=pick(author, "displayName", str, what="Bluesky author", default="")
        or handle,
        text=pick(record, "text", str, what="Bluesky post", default=""),
        url=web_url(handle, rkey),
        created_at=created,
        parent_remote_id=_uri(reply.get("parent")), root_remote_id=_uri(reply.get("root")),
        author_avatar_url=pick(author, "avatar", str, what="Bluesky author", default=""),
        raw={"cid": pick(post, "cid", str, what="Bluesky post", default=""),
             "did": pick(author, "did", str, what="Bluesky author", default="")},
    )
    return entry, min(created, indexed)


def _uri(ref) -> str:
    return ref.get("uri", "") if isinstance(ref, dict) and isinstance(ref.get("uri"), str) else ""


def _time(value) -> dt.datetime:
    if not isinstance(value, str):
        raise Transient("unexpected Bluesky post: no createdAt")
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Transient("unexpected Bluesky post: createdAt is not a timestamp") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _stamp(moment: dt.datetime) -> str:
    """Sortable UTC time with milliseconds, as the API expects for `since`."""
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
