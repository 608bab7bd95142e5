"""Link cards (app.bsky.embed.external): Bluesky shows what the poster sends, so we read
the page's OpenGraph tags ourselves and upload its image as the card's thumbnail."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

import requests

from lib.netguard import UnsafeURL, guarded_get

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


class _MetaParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or "").lower()
            if key and key not in self.meta and values.get("content"):
                self.meta[key] = values["content"].strip()
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title and len(self.title) < 300:
            self.title += data


def read_card(url: str) -> CardData:
    """The card for `url`; a page we may not or cannot read gives a card with the URL only."""
    try:
        response = guarded_get(url, headers={"Accept": "text/html"}, max_bytes=PAGE_MAX_BYTES)
    except (UnsafeURL, requests.RequestException):
        return CardData(uri=url, title=url, description="")
    if response.status_code != 200 or "html" not in response.headers.get(
            "Content-Type", "text/html").lower():
        return CardData(uri=url, title=url, description="")
    parser = _MetaParser()
    with contextlib.suppress(Exception):  # broken HTML must not stop the post
        parser.feed(response.text)
    meta = parser.meta
    title = meta.get("og:title") or meta.get("twitter:title") or parser.title.strip() or url
    description = meta.get("og:description") or meta.get("description") or ""
    image = meta.get("og:image") or meta.get("twitter:image") or ""
    return CardData(uri=url, title=title[:300], description=description[:1000],
                    image_url=urljoin(response.url, image) if image else "")


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
