"""app.bsky.* reads: notifications for the inbox, profile and post counts for analytics.

The PDS proxies these to an AppView (its default, or `ATPROTO_APPVIEW_PROXY`).
Bluesky reports no impressions: those metrics are absent, never zero.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from platforms.base import (
    AccountMetrics,
    InboxEntry,
    InboxPage,
    MetricValue,
    PostMetrics,
)
from platforms.bluesky.identity import Identity
from platforms.bluesky.records import AtUri, web_url
from platforms.bluesky.session import authed_call, repo_did
from platforms.bluesky.xrpc import XrpcClient
from platforms.errors import ProviderError, Transient

if TYPE_CHECKING:
    from accounts.models import ConnectedAccount

INBOX_REASONS = {"reply": "reply", "mention": "mention", "quote": "quote"}
INBOX_PAGE_SIZE = 50
INBOX_MAX_PAGES = 10
GET_POSTS_BATCH = 25  # app.bsky.feed.getPosts takes at most 25 URIs
PROFILE_METRICS = {"followers": "followersCount", "following": "followsCount",
                   "posts": "postsCount"}
POST_METRICS = {"likes": "likeCount", "reposts": "repostCount", "replies": "replyCount",
                "quotes": "quoteCount", "bookmarks": "bookmarkCount"}


def _proxy_headers() -> dict:
    proxy = settings.ATPROTO_APPVIEW_PROXY
    return {"atproto-proxy": proxy} if proxy else {}


def read(client: XrpcClient, account: ConnectedAccount, nsid: str, params) -> Any:
    data = authed_call(client, account, nsid, params=params, headers=_proxy_headers())
    if not isinstance(data, dict):
        raise Transient(f"Bluesky: unexpected {nsid} answer")
    return data


def _timestamp(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def profile_for_connect(client: XrpcClient, identity: Identity, access_token: str) -> dict:
    """Display name and avatar for the accounts page; empty when no AppView answers."""
    try:
        data = client.call(identity.pds_url, "app.bsky.actor.getProfile",
                           token=access_token, params={"actor": identity.did},
                           headers=_proxy_headers())
    except ProviderError:
        return {}
    return data if isinstance(data, dict) else {}


def _entry(item: dict) -> InboxEntry | None:
    kind = INBOX_REASONS.get(item.get("reason", ""))
    author = item.get("author") if isinstance(item.get("author"), dict) else {}
    record = item.get("record") if isinstance(item.get("record"), dict) else {}
    uri, indexed = item.get("uri"), _timestamp(item.get("indexedAt"))
    if not kind or not isinstance(uri, str) or indexed is None:
        return None
    try:
        rkey = AtUri.parse(uri).rkey
    except ProviderError:
        return None
    reply = record.get("reply") if isinstance(record.get("reply"), dict) else {}
    handle = str(author.get("handle") or author.get("did") or "")
    return InboxEntry(
        remote_id=uri, kind=kind, author_handle=f"@{handle}" if handle else "",
        author_name=str(author.get("displayName") or handle),
        text=str(record.get("text") or ""), url=web_url(handle, rkey),
        created_at=_timestamp(record.get("createdAt")) or indexed,
        parent_remote_id=str((reply.get("parent") or {}).get("uri") or ""),
        root_remote_id=str((reply.get("root") or {}).get("uri") or ""),
        author_avatar_url=str(author.get("avatar") or ""),
        raw={"uri": uri, "cid": item.get("cid"), "reason": item.get("reason"),
             "indexedAt": item.get("indexedAt")},
    )


def fetch_inbox(client: XrpcClient, account: ConnectedAccount, cursor: str = "") -> InboxPage:
    """Replies, mentions and quotes newer than `cursor`, oldest first.

    listNotifications pages from the newest backwards; our cursor is the `indexedAt`
    of the newest notification already returned, so each poll walks back only until it
    reaches what it has seen (the first poll reads one page).
    """
    seen_until = _timestamp(cursor) if cursor else None
    entries: list[InboxEntry] = []
    newest = cursor
    page_cursor = ""
    for _page in range(INBOX_MAX_PAGES if seen_until else 1):
        params: dict = {"limit": INBOX_PAGE_SIZE, "reasons": list(INBOX_REASONS)}
        if page_cursor:
            params["cursor"] = page_cursor
        data = read(client, account, "app.bsky.notification.listNotifications", params)
        items = data.get("notifications")
        if not isinstance(items, list):
            raise Transient("Bluesky: listNotifications answered without notifications")
        reached_seen = False
        for item in items:
            indexed = _timestamp(item.get("indexedAt")) if isinstance(item, dict) else None
            if indexed is None:
                continue
            if seen_until and indexed <= seen_until:
                reached_seen = True
                continue
            if not newest or indexed > _timestamp(newest):
                newest = item["indexedAt"]
            entry = _entry(item)
            if entry:
                entries.append(entry)
        page_cursor = data.get("cursor") or ""
        if reached_seen or not page_cursor or not items:
            break
    entries.sort(key=lambda e: (e.raw.get("indexedAt") or "", e.remote_id))
    return InboxPage(items=entries, cursor=newest or "")


def _metric_values(data: dict, mapping: dict[str, str]) -> dict[str, MetricValue]:
    return {name: MetricValue(value=data[field], source_field=field)
            for name, field in mapping.items()
            if isinstance(data.get(field), int) and not isinstance(data.get(field), bool)}


def account_metrics(client: XrpcClient, account: ConnectedAccount) -> AccountMetrics:
    data = read(client, account, "app.bsky.actor.getProfile",
                 {"actor": repo_did(account)})
    return AccountMetrics(fetched_at=timezone.now(),
                          values=_metric_values(data, PROFILE_METRICS))


def post_metrics(client: XrpcClient, account: ConnectedAccount,
                 remote_ids: list[str]) -> list[PostMetrics]:
    results: list[PostMetrics] = []
    for start in range(0, len(remote_ids), GET_POSTS_BATCH):
        batch = remote_ids[start:start + GET_POSTS_BATCH]
        data = read(client, account, "app.bsky.feed.getPosts", {"uris": batch})
        posts = data.get("posts")
        if not isinstance(posts, list):
            raise Transient("Bluesky: getPosts answered without posts")
        now = timezone.now()
        by_uri = {p.get("uri"): p for p in posts if isinstance(p, dict)}
        # A deleted or unknown post is simply missing from the answer: no metrics for it.
        results += [PostMetrics(remote_id=uri, fetched_at=now,
                                values=_metric_values(by_uri[uri], POST_METRICS))
                    for uri in batch if uri in by_uri]
    return results
