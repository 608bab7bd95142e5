"""X media upload (v2): one-shot for images, chunked for GIF and video; alt text via metadata.

Images go to `POST /2/media/upload` (multipart). Animated GIFs and videos use
`/2/media/upload/initialize` → `/{id}/append` (segments) → `/{id}/finalize`, then
`GET /2/media/upload?command=STATUS` until processing succeeded. Alt text is set with
`POST /2/media/metadata` (at most 1000 characters).
"""

from __future__ import annotations

import time

from django.utils.translation import gettext as _

from platforms.base import MediaFile
from platforms.errors import Rejected, Transient
from platforms.http import pick
from platforms.x.client import API, XClient

CHUNK_BYTES = 4 * 1024 * 1024
ALT_TEXT_MAX = 1000


def category(item: MediaFile) -> str:
    if item.content_type.startswith("video/"):
        return "tweet_video"
    return "tweet_gif" if item.content_type == "image/gif" else "tweet_image"


def upload(client: XClient, token: str, item: MediaFile, *, poll_interval: float = 1.0,
           poll_attempts: int = 60) -> str:
    """Upload one file and return its media id (with alt text attached)."""
    stream = item.open()
    try:
        if category(item) == "tweet_image":
            data = client.json("POST", f"{API}/2/media/upload", token=token,
                               files={"media": (item.filename, stream, item.content_type)},
                               data={"media_category": "tweet_image",
                                     "media_type": item.content_type},
                               timeout=(5.0, 120.0))
            media_id = pick(data, "data.id", str, what="X media upload")
        else:
            media_id = _chunked(client, token, item, stream, poll_interval, poll_attempts)
    finally:
        stream.close()
    if item.alt_text.strip():
        client.json("POST", f"{API}/2/media/metadata", token=token, json={
            "id": media_id, "metadata": {"alt_text": {"text": item.alt_text[:ALT_TEXT_MAX]}},
        })
    return media_id


def _chunked(client: XClient, token: str, item: MediaFile, stream, poll_interval: float,
             poll_attempts: int) -> str:
    init = client.json("POST", f"{API}/2/media/upload/initialize", token=token, json={
        "media_type": item.content_type, "total_bytes": item.size,
        "media_category": category(item),
    })
    media_id = pick(init, "data.id", str, what="X media upload")
    segment = 0
    while chunk := stream.read(CHUNK_BYTES):
        client.request("POST", f"{API}/2/media/upload/{media_id}/append", token=token,
                       files={"media": ("chunk", chunk, "application/octet-stream")},
                       data={"segment_index": str(segment)}, timeout=(5.0, 120.0))
        segment += 1
    final = client.json("POST", f"{API}/2/media/upload/{media_id}/finalize", token=token)
    info = (final or {}).get("data", {}).get("processing_info") if isinstance(final, dict) \
        else None
    for _attempt in range(poll_attempts):
        state = (info or {}).get("state", "succeeded")
        if state == "succeeded":
            return media_id
        if state == "failed":
            error = (info.get("error") or {}) if isinstance(info.get("error"), dict) else {}
            raise Rejected(_("X could not process %(name)s: %(reason)s") % {
                "name": item.filename, "reason": error.get("message") or error.get("name")
                or _("unknown error")})
        time.sleep(min(float(info.get("check_after_secs") or poll_interval), 10.0)
                   if poll_interval else 0)
        status = client.json("GET", f"{API}/2/media/upload", token=token,
                             params={"command": "STATUS", "media_id": media_id})
        info = pick(status, "data.processing_info", dict, what="X media status")
    raise Transient(_("X is still processing the uploaded media; trying again later."))
