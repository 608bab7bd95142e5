"""Listening endpoints, as Mastodon has them: the hashtag timeline and status search.

- `GET /api/v1/timelines/tag/:hashtag`: public statuses with the tag, newest first, paged
  with `max_id` / `since_id` / `min_id` / `limit` (default 20, at most 40) and a `Link` header.
  No token needed (Mastodon's default for public timelines).
- `GET /api/v2/search?type=statuses&q=…`: statuses containing every word of `q`, newest first.
  Needs a token, like Mastodon's. Paged with `max_id` / `min_id` / `limit`; the sandbox also
  sends a `Link` header (Mastodon does not for search).
"""

from __future__ import annotations

import contextlib

from sandbox import chatter, render
from sandbox.paging import page
from sandbox.state import State
from sandbox.web import HttpError, Request, Response, json_response

MAX_QUERY = 200


def tag_timeline(state: State, req: Request, hashtag: str) -> Response:
    with contextlib.suppress(UnicodeError):  # WSGI hands the path over as latin-1
        hashtag = hashtag.encode("latin-1").decode("utf-8")
    tag = hashtag.lstrip("#").strip()
    if not tag or len(tag) > 100:
        raise HttpError(404, "Record not found")
    with state.lock:
        chatter.catch_up(state)
        items = chatter.with_tag(state, tag)
        window, headers = page(req, items, default_limit=20, max_limit=40,
                               base_url=req.base_url)
        data = [render.status_json(state, s, req.base_url) for s in window]
    return json_response(data, headers=headers)


def search(state: State, req: Request, account: dict) -> Response:
    query = req.arg("q").strip()
    if not query:
        raise HttpError(400, "Search query can't be blank")
    if len(query) > MAX_QUERY:
        raise HttpError(422, "Validation failed: search query is too long")
    kind = req.arg("type")
    if kind and kind not in ("accounts", "hashtags", "statuses"):
        raise HttpError(422, "Validation failed: unknown type")
    with state.lock:
        chatter.catch_up(state)
        statuses, headers = [], {}
        if kind in ("", "statuses"):
            window, headers = page(req, chatter.matching(state, query), default_limit=20,
                                   max_limit=40, base_url=req.base_url)
            statuses = [render.status_json(state, s, req.base_url) for s in window]
    return json_response({"accounts": [], "statuses": statuses, "hashtags": []},
                         headers=headers)


def public_post(state: State, *, author: str, text: str, ago_s: float = 0.0) -> dict:
    """A person on the network posts publicly (tests and the demo); callers hold the lock."""
    from sandbox import world

    username, _, domain = (author or "lena@fediverse.example").partition("@")
    person = world.remote_account(state, username, domain or "sandbox.example",
                                  username.title())
    at = state.now() - ago_s if ago_s else None
    return world.create_status(state, account_id=person["id"], text=text, media_ids=[],
                               in_reply_to_id=None, at=at)
