"""Mastodon API entities → the provider contract's value types.

Each function checks the fields it reads (a missing or mistyped field is Transient with a
readable message, via `pick`) and never passes raw HTML on: text is converted to plain text.
"""

from __future__ import annotations

import datetime as dt

from lib.weburl import http_url
from platforms.base import InboxEntry, MetricValue, RemoteAccount, RemotePost
from platforms.errors import Transient
from platforms.http import pick
from platforms.mastodon.text import html_to_text


def parse_time(value, *, what: str = "Mastodon status") -> dt.datetime:
    if not isinstance(value, str):
        raise Transient(f"unexpected {what}: no valid created_at")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise Transient(f"unexpected {what}: created_at is not a timestamp") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def remote_account(data, *, domain: str) -> RemoteAccount:
    account_id = pick(data, "id", str, what="Mastodon account")
    username = pick(data, "username", str, what="Mastodon account")
    return RemoteAccount(
        external_id=f"{account_id}@{domain}",
        handle=f"@{username}@{domain}",
        display_name=pick(data, "display_name", str, what="Mastodon account", default="")
        or username,
        avatar_url=pick(data, "avatar", str, what="Mastodon account", default=""),
    )


def remote_post(data) -> RemotePost:
    status_id = pick(data, "id", str, what="Mastodon status")
    return RemotePost(id=status_id, url=status_url(data),
                      published_at=parse_time(data.get("created_at")))


def status_url(data) -> str:
    """The status's web page as the server gives it (`url`; `uri` when that is all there
    is, e.g. on some forks), http(s) only: a server's `javascript:` is no link."""
    return (http_url(pick(data, "url", str, what="Mastodon status", default=""))
            or http_url(pick(data, "uri", str, what="Mastodon status", default="")))


def status_text(data) -> str:
    return html_to_text(pick(data, "content", str, what="Mastodon status", default=""))


def status_entry(status, *, kind: str, parent_remote_id: str, raw: dict) -> InboxEntry:
    """A Mastodon status as an InboxEntry: author, plain text, link, times."""
    author = pick(status, "account", dict, what="Mastodon status")
    acct = pick(author, "acct", str, what="Mastodon account")
    edited = status.get("edited_at")
    return InboxEntry(
        remote_id=pick(status, "id", str, what="Mastodon status"),
        kind=kind,
        author_handle=f"@{acct}",
        author_name=pick(author, "display_name", str, what="Mastodon account", default="")
        or pick(author, "username", str, what="Mastodon account", default=acct),
        text=status_text(status),
        url=status_url(status),
        created_at=parse_time(status.get("created_at")),
        parent_remote_id=parent_remote_id,
        author_avatar_url=pick(author, "avatar", str, what="Mastodon account", default=""),
        raw=raw,
        edited_at=parse_time(edited) if isinstance(edited, str) else None,
    )


def inbox_entry(notification, *, own_account_id: str) -> InboxEntry:
    """A `mention` notification; a reply when it answers one of our statuses."""
    status = pick(notification, "status", dict, what="Mastodon notification")
    parent = pick(status, "in_reply_to_id", str, what="Mastodon status", default="")
    parent_account = pick(status, "in_reply_to_account_id", str, what="Mastodon status",
                          default="")
    return status_entry(
        status, kind="reply" if parent and parent_account == own_account_id else "mention",
        parent_remote_id=parent,
        raw={"notification_id": str(notification.get("id", "")),
             "visibility": str(status.get("visibility", ""))})


STATUS_METRICS = (("likes", "favourites_count"), ("reposts", "reblogs_count"),
                  ("replies", "replies_count"), ("quotes", "quotes_count"))
ACCOUNT_METRICS = (("followers", "followers_count"), ("following", "following_count"),
                   ("posts", "statuses_count"))


def metric_values(data: dict, fields) -> dict[str, MetricValue]:
    """Only what the server reported: a missing count is absent, never zero."""
    return {
        name: MetricValue(value=data[source], source_field=source)
        for name, source in fields
        if isinstance(data.get(source), int) and not isinstance(data.get(source), bool)
    }
