"""X API v2 objects → the provider contract's value types (checked field by field)."""

from __future__ import annotations

import datetime as dt
import html
import re

from lib.counting import URL
from platforms.base import InboxEntry, MetricValue, RemoteAccount, RemotePost
from platforms.errors import Transient
from platforms.http import pick

POST_METRICS = (("impressions", "impression_count"), ("likes", "like_count"),
                ("reposts", "retweet_count"), ("replies", "reply_count"),
                ("quotes", "quote_count"), ("bookmarks", "bookmark_count"))
ACCOUNT_METRICS = (("followers", "followers_count"), ("following", "following_count"),
                   ("posts", "tweet_count"), ("listed", "listed_count"))


def parse_time(value) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def post_url(username: str, post_id: str) -> str:
    return f"https://x.com/{username or 'i/web'}/status/{post_id}"


def remote_account(data) -> RemoteAccount:
    user = pick(data, "data", dict, what="X user")
    username = pick(user, "username", str, what="X user")
    return RemoteAccount(
        external_id=pick(user, "id", str, what="X user"),
        handle=f"@{username}",
        display_name=pick(user, "name", str, what="X user", default="") or username,
        avatar_url=pick(user, "profile_image_url", str, what="X user", default=""),
    )


def remote_post(data, *, username: str) -> RemotePost:
    post_id = pick(data, "data.id", str, what="X post")
    return RemotePost(id=post_id, url=post_url(username, post_id),
                      published_at=parse_time((data.get("data") or {}).get("created_at")))


def replied_to(tweet: dict) -> str:
    for ref in tweet.get("referenced_tweets") or []:
        if isinstance(ref, dict) and ref.get("type") == "replied_to":
            return str(ref.get("id", ""))
    return ""


def inbox_entry(tweet: dict, users: dict[str, dict], *, own_id: str) -> InboxEntry:
    tweet_id = pick(tweet, "id", str, what="X post")
    author = users.get(str(tweet.get("author_id", ""))) or {}
    username = str(author.get("username", ""))
    parent = replied_to(tweet)
    created = parse_time(tweet.get("created_at"))
    if created is None:
        raise Transient("unexpected X post: created_at missing (request tweet.fields)")
    return InboxEntry(
        remote_id=tweet_id,
        kind="reply" if parent and str(tweet.get("in_reply_to_user_id", "")) == own_id
        else "mention",
        author_handle=f"@{username}" if username else "",
        author_name=str(author.get("name", "")) or username,
        text=html.unescape(pick(tweet, "text", str, what="X post")),
        url=post_url(username, tweet_id),
        created_at=created,
        parent_remote_id=parent,
        root_remote_id=str(tweet.get("conversation_id", "")),
        author_avatar_url=str(author.get("profile_image_url", "")),
        raw={"author_id": str(tweet.get("author_id", ""))},
    )


def metric_values(metrics, fields) -> dict[str, MetricValue]:
    """Only what X reported; a missing metric is absent, never zero."""
    if not isinstance(metrics, dict):
        return {}
    return {name: MetricValue(value=metrics[source], source_field=f"public_metrics.{source}")
            for name, source in fields
            if isinstance(metrics.get(source), int) and not isinstance(metrics[source], bool)}


def comparable(text: str) -> str:
    """For matching our post among recent ones: X rewrites links to t.co and escapes &<>."""
    text = URL.sub("<link>", html.unescape(text or ""))
    return re.sub(r"\s+", " ", text).strip()
