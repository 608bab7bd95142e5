"""The REST API, modelled on Mastodon's: accounts, statuses, media, notifications, instance."""

from __future__ import annotations

import html

from lib.counting import text_length
from sandbox import render, shapes, world
from sandbox.paging import page
from sandbox.state import State
from sandbox.stats import Stats
from sandbox.web import HttpError, Request, Response, json_response

MAX_DESCRIPTION = 1500
MAGIC = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "video/webm": (b"\x1aE\xdf\xa3",),
}


def instance(state: State, req: Request, *, version: int = 1) -> Response:
    k = state.knobs
    configuration = {
        "urls": {"streaming": None},
        "accounts": {"max_featured_tags": 10},
        "statuses": {"max_characters": k.max_characters, "max_media_attachments":
                     k.max_media_attachments,
                     "characters_reserved_per_url": k.characters_reserved_per_url},
        "media_attachments": {"supported_mime_types": list(k.supported_mime_types),
                              "image_size_limit": k.image_size_limit,
                              "image_matrix_limit": 33177600,
                              "video_size_limit": k.video_size_limit,
                              "description_limit": MAX_DESCRIPTION},
        "polls": {"max_options": 4, "max_characters_per_option": 50},
    }
    host = req.base_url.split("://", 1)[1]
    data = {"title": "Sandbox network", "version": "4.3.0 (compatible; socialmgr sandbox)",
            "description": "A pretend social network for demos and tests.",
            "configuration": configuration, "languages": ["en", "de"]}
    if version == 2:
        data["domain"] = host
    else:
        data["uri"] = host
        data["max_toot_chars"] = k.max_characters
    return json_response(data)


# --- accounts -------------------------------------------------------------------------------

def verify_credentials(state: State, req: Request, account: dict) -> Response:
    with state.lock:
        world.catch_up(state, account["id"])
        return json_response(render.account_json(state, account, req.base_url))


def get_account(state: State, req: Request, account: dict, id: str) -> Response:
    with state.lock:
        target = state.world["accounts"].get(id)
        if target is None:
            raise HttpError(404, "Record not found")
        world.catch_up(state, id)
        return json_response(render.account_json(state, target, req.base_url))


def account_statuses(state: State, req: Request, account: dict, id: str) -> Response:
    with state.lock:
        if id not in state.world["accounts"]:
            raise HttpError(404, "Record not found")
        world.catch_up(state, id)
        items = world.live_statuses(state, id)
        if req.arg("exclude_replies") in ("true", "1"):
            items = [s for s in items if not s["in_reply_to_id"]]
        window, headers = page(req, items, default_limit=20, max_limit=40,
                               base_url=req.base_url)
        data = [render.status_json(state, s, req.base_url) for s in window]
    return json_response(data, headers=headers)


# --- media ----------------------------------------------------------------------------------

def upload_media(state: State, req: Request, account: dict) -> Response:
    upload = req.file("file")
    if upload is None:
        raise HttpError(422, "Validation failed: File can't be blank")
    k = state.knobs
    ctype = upload.content_type
    if ctype not in k.supported_mime_types or not _content_matches(ctype, upload.data):
        raise HttpError(422, "Validation failed: File content type is invalid")
    kind = "video" if ctype.startswith("video/") else ("gifv" if ctype == "image/gif" else "image")
    limit = k.video_size_limit if kind == "video" else k.image_size_limit
    if len(upload.data) > limit:
        raise HttpError(422, f"Validation failed: File file size must be less than {limit} Bytes")
    description = req.field("description")
    if len(description) > MAX_DESCRIPTION:
        raise HttpError(422, "Validation failed: Description is too long (maximum is 1500 "
                        "characters)")
    with state.lock:
        media_id = state.new_id()
        media = {"id": media_id, "account_id": account["id"], "type": kind,
                 "content_type": ctype, "size": len(upload.data), "description": description,
                 "filename": upload.filename, "status_id": None, "created_at": state.now()}
        state.world["media"][media_id] = media
        state.touch()
    state.put_blob(media_id, ctype, upload.data)
    return json_response(render.media_json(media, req.base_url))


def _content_matches(ctype: str, data: bytes) -> bool:
    if ctype == "image/webp":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    if ctype == "video/mp4":
        return data[4:8] == b"ftyp"
    return any(data.startswith(m) for m in MAGIC.get(ctype, (b"",)))


def media_file(state: State, req: Request, id: str) -> Response:
    blob = state.blobs.get(id)
    if blob is None:
        raise HttpError(404, "Record not found")
    return Response(200, blob[1], {"Cache-Control": "max-age=86400"}, blob[0])


# --- statuses -------------------------------------------------------------------------------

def create_status(state: State, req: Request, account: dict, *, stats: Stats,
                  received_at: float) -> Response:
    key = req.headers.get("idempotency-key", "").strip()[:255]
    stats.status_request(account_id=account["id"], key=key, received_at=received_at)
    text = req.field("status")
    media_ids = [m for m in req.fields("media_ids") if m]
    reply_to = req.field("in_reply_to_id") or None
    with state.lock:
        if key and f"{account['id']}:{key}" in state.world["idempotency"]:
            # Same key, same answer: no second status (Mastodon keeps keys for an hour).
            existing = state.world["statuses"][state.world["idempotency"][f"{account['id']}:{key}"]]
            return json_response(render.status_json(state, existing, req.base_url))
        _validate_status(state, account, text, media_ids, reply_to)
        status = world.create_status(state, account_id=account["id"], text=text,
                                     media_ids=media_ids, in_reply_to_id=reply_to, key=key)
        stats.status_created(status=status, key=key, received_at=received_at,
                             created_at=status["created_at"])
        return json_response(render.status_json(state, status, req.base_url))


def _validate_status(state: State, account: dict, text: str, media_ids: list[str],
                     reply_to: str | None) -> None:
    k = state.knobs
    max_characters, max_media, url_length = (k.max_characters, k.max_media_attachments,
                                             k.characters_reserved_per_url)
    counting, mixed_media = "mastodon", False
    if account.get("shape") and account["shape"] != shapes.DEFAULT:
        shape = shapes.shape_of(account)  # a shaped account has its network's limits
        max_characters, max_media, url_length = (shape["max_characters"],
                                                 shape["max_media_attachments"],
                                                 shape["characters_reserved_per_url"])
        counting = shape.get("counting", "mastodon")  # and counts text as that network does
        mixed_media = bool(shape.get("mixed_media", False))
    if not text.strip() and not media_ids:
        raise HttpError(422, "Validation failed: Text can't be blank")
    if text_length(text, counting, url_length=url_length) > max_characters:
        raise HttpError(422, f"Validation failed: Text character limit of {max_characters} "
                        "exceeded")
    if len(media_ids) > max_media:
        raise HttpError(422, "Validation failed: Media attachments exceed the limit of "
                        f"{max_media}")
    for media_id in media_ids:
        media = state.world["media"].get(media_id)
        if media is None or media["account_id"] != account["id"] or media["status_id"]:
            raise HttpError(422, "Validation failed: Media attachments are invalid or already "
                            "attached to a post")
    kinds = {state.world["media"][m]["type"] == "video" for m in media_ids}
    if len(kinds) > 1 and not mixed_media:
        raise HttpError(422, "Validation failed: Cannot attach a video to a post that already "
                        "contains images")
    if reply_to:
        parent = state.world["statuses"].get(reply_to)
        if parent is None or parent["deleted_at"]:
            raise HttpError(404, "The post you are trying to reply to does not appear to exist.")


def _own_or_visible(state: State, id: str) -> dict:
    status = state.world["statuses"].get(id)
    if status is None or status["deleted_at"]:
        raise HttpError(404, "Record not found")
    return status


def get_status(state: State, req: Request, account: dict, id: str) -> Response:
    with state.lock:
        return json_response(render.status_json(state, _own_or_visible(state, id), req.base_url))


def get_statuses(state: State, req: Request, account: dict) -> Response:
    """GET /api/v1/statuses?id[]=… (Mastodon 4.3): several at once; unknown ids are left out."""
    ids = req.args("id")[:40]
    with state.lock:
        found = [state.world["statuses"].get(i) for i in ids]
        return json_response([render.status_json(state, s, req.base_url)
                              for s in found if s and not s["deleted_at"]])


def status_context(state: State, req: Request, account: dict, id: str) -> Response:
    with state.lock:
        status = _own_or_visible(state, id)
        ancestors, parent_id = [], status["in_reply_to_id"]
        while parent_id and parent_id in state.world["statuses"] and len(ancestors) < 40:
            parent = state.world["statuses"][parent_id]
            ancestors.insert(0, parent)
            parent_id = parent["in_reply_to_id"]
        children: dict[str, list[dict]] = {}
        for s in state.world["statuses"].values():
            if s["in_reply_to_id"] and not s["deleted_at"]:
                children.setdefault(s["in_reply_to_id"], []).append(s)
        descendants, queue = [], [id]
        while queue and len(descendants) < 60:
            for child in sorted(children.get(queue.pop(0), []), key=lambda s: int(s["id"])):
                descendants.append(child)
                queue.append(child["id"])
        base = req.base_url
        return json_response({
            "ancestors": [render.status_json(state, s, base) for s in ancestors
                          if not s["deleted_at"]],
            "descendants": [render.status_json(state, s, base) for s in descendants],
        })


def delete_status(state: State, req: Request, account: dict, id: str) -> Response:
    with state.lock:
        status = _own_or_visible(state, id)
        if status["account_id"] != account["id"]:
            raise HttpError(404, "Record not found")
        world.delete_status(state, status)
        return json_response(render.status_json(state, status, req.base_url))


# --- notifications --------------------------------------------------------------------------

def notifications(state: State, req: Request, account: dict) -> Response:
    types, excluded = set(req.args("types")), set(req.args("exclude_types"))
    with state.lock:
        world.catch_up(state, account["id"])
        items = [n for n in state.world["notifications"].get(account["id"], [])
                 if (not types or n["type"] in types) and n["type"] not in excluded]
        window, headers = page(req, items, default_limit=40, max_limit=80,
                               base_url=req.base_url)
        data = [render.notification_json(state, n, req.base_url) for n in window]
    return json_response(data, headers=headers)


# --- public pages (links to live posts open somewhere real-looking) ---------------------------

def profile_page(state: State, req: Request, username: str) -> Response:
    from sandbox.oauth import _page

    with state.lock:
        account_id = state.world["usernames"].get(username.lower())
        if not account_id:
            raise HttpError(404, "Record not found")
        account = state.world["accounts"][account_id]
        statuses = sorted(world.live_statuses(state, account_id), key=lambda s: -int(s["id"]))
        body = "".join(_article(state, s, req.base_url) for s in statuses[:50])
    title = f"{account['display_name']} (@{account['acct']})"
    return _html(_page(title, body or "<p>No posts yet.</p>"))


def status_page(state: State, req: Request, username: str, id: str) -> Response:
    from sandbox.oauth import _page

    with state.lock:
        status = _own_or_visible(state, id)
        account = state.world["accounts"][status["account_id"]]
        if account["username"].lower() != username.lower():
            raise HttpError(404, "Record not found")
        body = _article(state, status, req.base_url)
    return _html(_page(f"Post by @{account['acct']}", body))


def _article(state: State, status: dict, base_url: str) -> str:
    data = render.status_json(state, status, base_url)
    media = "".join(f'<p class="muted">🖼 {html.escape(m["description"] or "(no description)")}'
                    "</p>" for m in data["media_attachments"])
    return (f'<article id="status-{data["id"]}">{data["content"]}{media}<p class="muted">'
            f'<a href="{html.escape(data["url"])}">{data["created_at"]}</a> · '
            f'{data["replies_count"]} replies · {data["reblogs_count"]} boosts · '
            f'{data["favourites_count"]} likes</p></article>')


def _html(text: str) -> Response:
    return Response(200, text.encode(), {}, "text/html; charset=utf-8")


def avatar(state: State, req: Request, id: str) -> Response:
    with state.lock:
        account = state.world["accounts"].get(id)
    if account is None:
        raise HttpError(404, "Record not found")
    hue = int(id) % 360 if id.isdigit() else 200
    letter = html.escape((account["display_name"] or account["username"])[:1].upper())
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">'
           f'<rect width="96" height="96" rx="48" fill="hsl({hue},55%,55%)"/>'
           f'<text x="48" y="62" font-family="sans-serif" font-size="44" fill="#fff" '
           f'text-anchor="middle">{letter}</text></svg>')
    return Response(200, svg.encode(), {"Cache-Control": "max-age=86400"}, "image/svg+xml")


def avatar_png(state: State, req: Request, id: str) -> Response:
    """A local account's picture (PNG, drawn in its network shape's colour)."""
    from sandbox import avatars

    with state.lock:
        account = state.world["accounts"].get(id)
    if account is None or account.get("remote"):
        raise HttpError(404, "Record not found")
    body = avatars.png(account["display_name"] or account["username"], account.get("shape", ""))
    return Response(200, body, {"Cache-Control": "max-age=86400"}, "image/png")
