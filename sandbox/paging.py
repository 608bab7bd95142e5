"""Mastodon-style paging: `max_id`, `since_id`, `min_id`, `limit` and a `Link` header."""

from __future__ import annotations

from urllib.parse import urlencode

from sandbox.web import HttpError, Request


def page(req: Request, items: list[dict], *, default_limit: int, max_limit: int,
         base_url: str) -> tuple[list[dict], dict[str, str]]:
    """Items newest first, cut to the requested window, and the Link header for the next ones.

    `min_id` returns the items immediately newer than it (to walk forward without gaps);
    `since_id` the newest items newer than it; `max_id` the items older than it.
    """
    try:
        limit = int(req.arg("limit") or default_limit)
        max_id = int(req.arg("max_id")) if req.arg("max_id") else None
        since_id = int(req.arg("since_id")) if req.arg("since_id") else None
        min_id = int(req.arg("min_id")) if req.arg("min_id") else None
    except ValueError:
        raise HttpError(422, "Validation failed: paging parameters must be numbers") from None
    limit = max(1, min(limit, max_limit))
    ordered = sorted(items, key=lambda item: int(item["id"]))  # oldest first
    if max_id is not None:
        ordered = [i for i in ordered if int(i["id"]) < max_id]
    lower = max(v for v in (since_id, min_id, -1) if v is not None)
    ordered = [i for i in ordered if int(i["id"]) > lower]
    window = ordered[:limit] if min_id is not None else ordered[-limit:]
    window.reverse()  # newest first, as Mastodon answers
    headers = {}
    if window:
        path = req.path
        keep = {k: v for k, v in req.query.items() if k not in ("max_id", "since_id", "min_id")}
        query = [(k, v) for k, values in keep.items() for v in values]
        next_url = f"{base_url}{path}?{urlencode([*query, ('max_id', window[-1]['id'])])}"
        prev_url = f"{base_url}{path}?{urlencode([*query, ('min_id', window[0]['id'])])}"
        headers["Link"] = f'<{next_url}>; rel="next", <{prev_url}>; rel="prev"'
    return window, headers
