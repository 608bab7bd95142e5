"""RFC 8288 `Link` headers, as Mastodon uses them for pagination."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

_LINK = re.compile(r'<([^>]*)>\s*;\s*rel="?([^";]+)"?')


def link_url(header: str, rel: str) -> str:
    for url, rels in _LINK.findall(header or ""):
        if rel in rels.split():
            return url
    return ""


def link_param(header: str, rel: str, param: str) -> str:
    """One query parameter of the link with `rel` ("" when absent)."""
    url = link_url(header, rel)
    values = parse_qs(urlsplit(url).query).get(param) if url else None
    return values[0] if values else ""
