"""Link previews: OpenGraph / Twitter-card data fetched server-side behind the SSRF guard.

The page is parsed with the standard library's HTML parser (nothing is executed),
results (and failures) are cached, and templates render them escaped.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

import requests
from django.core.cache import cache

from content.models import LinkPreview
from lib.netguard import UnsafeURL, guarded_get, safe_public_url

URL_RE = re.compile(r"https?://[^\s<>\"'()\[\]{}]+", re.IGNORECASE)
MAX_BYTES = 512 * 1024
CACHE_SECONDS = 6 * 3600
FAILED_SECONDS = 600


@dataclass(frozen=True)
class Preview:
    url: str
    title: str = ""
    description: str = ""
    image_url: str = ""
    site_name: str = ""
    error: str = ""


def first_url(text: str) -> str:
    match = URL_RE.search(text or "")
    return match.group(0).rstrip(".,;:!?") if match else ""


class _MetaParser(HTMLParser):
    """Collects <meta property/name=… content=…> and the <title> of the <head>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or "").lower()
            if key and "content" in a and key not in self.meta:
                self.meta[key] = a["content"].strip()
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title and len(self.title) < 300:
            self.title += data


def parse_preview(url: str, html: str) -> Preview:
    parser = _MetaParser()
    parser.feed(html[:MAX_BYTES])
    m = parser.meta

    def pick(*keys):
        return next((m[k] for k in keys if m.get(k)), "")

    image = pick("og:image", "og:image:url", "twitter:image", "twitter:image:src")
    if image:
        image = urljoin(url, image)
        if not image.lower().startswith(("http://", "https://")):
            image = ""
    return Preview(
        url=url,
        title=(pick("og:title", "twitter:title") or parser.title).strip()[:300],
        description=pick("og:description", "twitter:description", "description")[:1000],
        image_url=image[:2000],
        site_name=pick("og:site_name")[:200],
    )


def _key(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def link_preview_fetch(url: str) -> Preview:
    """The preview for `url` (cached). Refused addresses and failures give `error`."""
    key = _key(url)
    cached = cache.get(f"linkpreview:{key}")
    if cached:
        return Preview(**cached)
    try:
        safe_public_url(url)
        response = guarded_get(url, headers={"Accept": "text/html"}, timeout=(3, 5),
                               max_bytes=MAX_BYTES)
        if response.status_code >= 400:
            preview = Preview(url=url, error=f"http_{response.status_code}")
        elif "html" not in response.headers.get("Content-Type", "text/html").lower():
            preview = Preview(url=url, error="not_html")
        else:
            preview = parse_preview(response.url, response.text)
    except UnsafeURL:
        preview = Preview(url=url, error="refused")
    except requests.RequestException:
        preview = Preview(url=url, error="unreachable")
    cache.set(f"linkpreview:{key}", asdict(preview),
              FAILED_SECONDS if preview.error else CACHE_SECONDS)
    if not preview.error:
        LinkPreview.objects.update_or_create(
            url_hash=key, defaults={"url": url[:2000], "title": preview.title,
                                    "description": preview.description,
                                    "image_url": preview.image_url,
                                    "site_name": preview.site_name, "error": ""})
    return preview
