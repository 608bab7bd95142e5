"""Replies to the account's posts, for the unified inbox.

`GET /{media-id}/conversation` returns every reply under a post at any depth, flattened;
`reverse=false` gives them oldest first. The account's recent posts come from
`GET /{user-id}/threads`. The account's own replies (our answers, thread parts and first
comments, `is_reply_owned_by_me`) are left out. A reply whose `replied_to` is the post
itself is a top-level comment; deeper ones are replies. The cursor is the newest reply's
timestamp: Threads has no "since" filter on conversations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from platforms.base import InboxEntry, InboxPage
from platforms.http import pick
from platforms.meta.base import cursor_time, parse_time

if TYPE_CHECKING:
    from accounts.models import ConnectedAccount

Call = Callable[..., Any]
POSTS_PER_POLL = 25
REPLY_FIELDS = ("id,text,timestamp,username,permalink,replied_to,root_post,"
                "is_reply_owned_by_me,hide_status")


def fetch_inbox(call: Call, account: ConnectedAccount, cursor: str = "") -> InboxPage:
    since = cursor_time(cursor)
    data = call(account, "GET", f"{account.external_id}/threads",
                params={"fields": "id,timestamp,permalink", "limit": POSTS_PER_POLL})
    entries = []
    for post in pick(data, "data", list, what="Threads posts"):
        post_id = pick(post, "id", str, what="Threads post")
        conversation = call(account, "GET", f"{post_id}/conversation",
                            params={"fields": REPLY_FIELDS, "reverse": "false"})
        rows = pick(conversation, "data", list, what="Threads conversation")
        entries.extend(entry for entry in _entries(account, post_id, rows)
                       if since is None or entry.created_at > since)
    entries.sort(key=lambda e: e.created_at)
    newest = entries[-1].created_at.isoformat() if entries else cursor
    return InboxPage(items=entries, cursor=newest or "")


def _entries(account: ConnectedAccount, post_id: str, rows: list) -> Iterator[InboxEntry]:
    own = str(account.settings.get("username") or account.handle)
    for row in rows:
        entry = reply_entry(row, post_id=post_id, own=own)
        if entry is not None:
            yield entry


def reply_entry(row: Any, *, post_id: str, own: str) -> InboxEntry | None:
    """A Threads reply as an InboxEntry; None for our own replies and unreadable rows."""
    if not isinstance(row, dict) or row.get("is_reply_owned_by_me") is True:
        return None
    username = str(row.get("username") or "")
    if own and username == own:
        return None
    reply_id, created = row.get("id"), parse_time(row.get("timestamp"))
    if not isinstance(reply_id, str) or created is None:
        return None
    parent = _id(row.get("replied_to")) or post_id
    root = _id(row.get("root_post")) or post_id
    return InboxEntry(
        remote_id=reply_id, kind="comment" if parent == root else "reply",
        author_handle=username, author_name=username, text=str(row.get("text") or ""),
        url=str(row.get("permalink") or "https://www.threads.com/"), created_at=created,
        parent_remote_id=parent, root_remote_id=root, raw=row,
    )


def _id(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")
