"""Link cards (app.bsky.embed.external): Bluesky shows what the poster sends, so we read
the page's OpenGraph tags ourselves and upload its image as the card's thumbnail."""

from __future__ import annotations

import io
from dataclasses import dataclass

import requests

from lib.netguard import UnsafeURL, guarded_get
from lib.pagemeta import parse_page_meta

PAGE_MAX_BYTES = 1024 * 1024
IMAGE_FETCH_MAX_BYTES = 8 * 1024 * 1024
THUMB_MAX_BYTES = 1_000_000  # app.bsky.embed.external#external.thumb maxSize
THUMB_MAX_SIDE = 1200


@dataclass(frozen=True)
class CardData:
    uri: str
    title: str
    description: str
    image_url: str = ""


def read_card(url: str) -> CardData:
    """The card for `url`; a page we may not or cannot read gives a card with the URL only."""
    try:
        response = guarded_get(url, headers={"Accept": "text/html"}, max_bytes=PAGE_MAX_BYTES)
    except (UnsafeURL, requests.RequestException):
        return CardData(uri=url, title=url, description="")
    if response.status_code != 200 or "html" not in response.headers.get(
            "Content-Type", "text/html").lower():
        return CardData(uri=url, title=url, description="")
    page = parse_page_meta(response.url, response.text)
    return CardData(uri=url, title=page.title or url, description=page.description,
                    image_url=page.image_url)


def thumbnail(image_url: str) -> tuple[bytes, str] | None:
    """The card image as (bytes, content type) within the thumb limit, or None."""
    try:
        response = guarded_get(image_url, max_bytes=IMAGE_FETCH_MAX_BYTES)
    except (UnsafeURL, requests.RequestException):
        return None
    kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if response.status_code != 200 or not kind.startswith("image/"):
        return None
    if len(response.content) <= THUMB_MAX_BYTES:
        return response.content, kind
    return _shrink(response.content)


def _shrink(data: bytes) -> tuple[bytes, str] | None:
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.thumbnail((THUMB_MAX_SIDE, THUMB_MAX_SIDE))
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=80)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return (out.getvalue(), "image/jpeg") if out.tell() <= THUMB_MAX_BYTES else None
