"""Link previews: OpenGraph / Twitter-card data fetched server-side behind the SSRF guard.

The page is parsed by `lib.pagemeta` (the standard library's HTML parser: nothing is
executed), results (and failures) are cached, and templates render them escaped.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass

import requests
from django.core.cache import cache

from content.models import LinkPreview
from lib.netguard import UnsafeURL, guarded_get, safe_public_url
from lib.pagemeta import parse_page_meta
from lib.weburl import http_url

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


def parse_preview(url: str, html: str) -> Preview:
    page = parse_page_meta(url, html[:MAX_BYTES])
    return Preview(url=url, title=page.title, description=page.description,
                   image_url=http_url(page.image_url, max_length=2000), site_name=page.site_name)


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
