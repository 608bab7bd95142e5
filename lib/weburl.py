"""Platform-supplied URLs: only absolute http(s) addresses are kept or shown as links.

A connected server decides what it puts in a status's `url`, an author's `avatar`, a
permalink. `javascript:`, `data:`, `vbscript:` (in any case, behind spaces or control
characters a browser would skip) must never become an `href` or `src`. `http_url()` is
the one check: the platform mappings and the services that store such URLs call it, and
templates render them through the `http_url` filter (socialmgr/template_builtins.py),
so a value stored before this check existed is not a link either.
"""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_LENGTH = 1000


def http_url(value, *, max_length: int = MAX_LENGTH) -> str:
    """`value` (trimmed) when it is an absolute http:// or https:// URL with a host and at
    most `max_length` characters; "" otherwise (never a shortened, broken link)."""
    if not isinstance(value, str):
        return ""
    url = value.strip()
    if not url or len(url) > max_length:
        return ""
    # Browsers drop tabs and newlines inside a URL ("java\tscript:"), and spaces or control
    # characters have no place in a link a server hands out: refuse them outright.
    if any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in url):
        return ""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. an unbalanced "[" in the host
        return ""
    if parts.scheme not in ("http", "https") or not host:
        return ""
    if url[:len(parts.scheme) + 3].lower() != f"{parts.scheme}://":
        return ""
    return url


def origin_url(scheme: str, host: str, port: int | None) -> str:
    """`scheme://host[:port]` for a server a person named: IPv6 hosts in brackets, the
    scheme's default port left out (the form the connect forms store and compare)."""
    netloc = f"[{host}]" if ":" in host else host
    if port and port != {"https": 443, "http": 80}.get(scheme):
        netloc = f"{netloc}:{port}"
    return f"{scheme}://{netloc}"
