"""A web page's title, description and image from its Open Graph / Twitter-card tags.

Parsed with the standard library's HTML parser (nothing is executed, broken HTML gives
what could be read). Used for the composer's link previews and Bluesky's link cards.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

MAX_CHARS = 1024 * 1024  # of HTML read; the tags live in <head>


@dataclass(frozen=True)
class PageMeta:
    title: str = ""  # og:title, twitter:title or <title>; empty when the page has none
    description: str = ""
    image_url: str = ""  # absolute http(s) URL, or empty
    site_name: str = ""


class _MetaParser(HTMLParser):
    """Collects <meta property/name=… content=…> (the first of each) and the <title>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or "").lower()
            if key and values.get("content") and key not in self.meta:
                self.meta[key] = values["content"].strip()
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title and len(self.title) < 300:
            self.title += data


def parse_page_meta(page_url: str, html: str) -> PageMeta:
    """`page_url` is where the page was finally read from (relative images resolve to it)."""
    parser = _MetaParser()
    with contextlib.suppress(Exception):  # a broken page gives what was read before the break
        parser.feed(html[:MAX_CHARS])
    meta = parser.meta

    def pick(*keys: str) -> str:
        return next((meta[k] for k in keys if meta.get(k)), "")

    image = pick("og:image", "og:image:url", "twitter:image", "twitter:image:src")
    image = urljoin(page_url, image) if image else ""
    if not image.lower().startswith(("http://", "https://")):
        image = ""
    return PageMeta(
        title=(pick("og:title", "twitter:title") or parser.title).strip()[:300],
        description=pick("og:description", "twitter:description", "description")[:1000],
        image_url=image[:2000],
        site_name=pick("og:site_name")[:200],
    )
