"""Listening on Mastodon-API servers: hashtag timelines and status search.

- `#tag` (and, on Mastodon, a single bare word) reads the public hashtag timeline,
  `GET /api/v1/timelines/tag/:hashtag`, walking forward with `min_id` like notifications.
  Servers federate public posts, so this finds posts from other servers that this server knows.
- Anything else uses `GET /api/v2/search?type=statuses&q=…`. It needs a token, and on
  Mastodon full-text status search only finds posts by authors who opted in to search
  (`indexable`, Mastodon 4.2+) plus posts the account interacted with, and only on servers
  with Elasticsearch; elsewhere it answers an empty list. Results are filtered with `min_id`.

The cursor is the newest status id seen, so each poll returns only what is new, oldest first.
On the first poll (no cursor) only the newest page is returned: no backfill of the past.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from urllib.parse import quote

import requests

from platforms.base import InboxEntry, InboxPage
from platforms.errors import Transient
from platforms.http import pick
from platforms.mastodon.entities import status_entry
from platforms.mastodon.links import link_param

log = logging.getLogger(__name__)

PAGE_SIZE = 40
TAG = re.compile(r"^#?(\w{1,100})$")


def hashtag_of(query: str, *, bare_word_is_tag: bool) -> str:
    """The tag a query asks for ("" for a keyword search)."""
    query = query.strip()
    found = TAG.match(query)
    if not found or (not query.startswith("#") and not bare_word_is_tag):
        return ""
    return found.group(1)


def listening_entry(status: dict) -> InboxEntry:
    return status_entry(
        status, kind="listening",
        parent_remote_id=pick(status, "in_reply_to_id", str, what="Mastodon status",
                              default=""),
        raw={"visibility": str(status.get("visibility", "")),
             "tags": [t.get("name") for t in status.get("tags") or []
                      if isinstance(t, dict) and isinstance(t.get("name"), str)]})


def search_statuses(request: Callable[..., requests.Response], base_url: str, query: str,
                    cursor: str = "", *, bare_word_is_tag: bool) -> InboxPage:
    """One page of public statuses matching `query` after `cursor`.

    `request(method, url, params=…)` sends an authenticated call and raises the typed errors.
    """
    params: dict = {"limit": PAGE_SIZE}
    if cursor:
        params["min_id"] = cursor
    tag = hashtag_of(query, bare_word_is_tag=bare_word_is_tag)
    if tag:
        response = request("GET", f"{base_url}/api/v1/timelines/tag/{quote(tag, safe='')}",
                           params=params)
        statuses = _json(response)
    else:
        response = request("GET", f"{base_url}/api/v2/search",
                           params={**params, "q": query.strip(), "type": "statuses",
                                   "resolve": "false"})
        body = _json(response)
        statuses = body.get("statuses") if isinstance(body, dict) else None
    if not isinstance(statuses, list):
        raise Transient("unexpected Mastodon search results: not a list of statuses")
    items, newest = [], cursor
    for status in statuses:
        if not isinstance(status, dict) or status.get("reblog"):
            continue
        status_id = str(status.get("id", ""))
        if cursor and not _newer(status_id, cursor):
            continue  # a server that ignores min_id must not bring old posts back
        try:
            items.append(listening_entry(status))
        except Transient as exc:  # one malformed status must not stop listening
            log.warning("listening: skipped a malformed status %s: %s", status_id[:40], exc)
        newest = status_id if not newest or _newer(status_id, newest) else newest
    next_cursor = link_param(response.headers.get("Link", ""), "prev", "min_id")
    if not next_cursor or (newest and _newer(newest, next_cursor)):
        next_cursor = newest
    items.sort(key=lambda entry: (entry.created_at, entry.remote_id))
    return InboxPage(items=items, cursor=next_cursor or cursor)


def _newer(a: str, b: str) -> bool:
    if a.isdigit() and b.isdigit():
        return int(a) > int(b)
    return (len(a), a) > (len(b), b)


def _json(response: requests.Response):
    try:
        return response.json()
    except ValueError:
        raise Transient("the server answered with something that is not JSON") from None
