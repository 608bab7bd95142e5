"""SSRF guard for URLs that people type in (Mastodon instances, link previews, media URLs).

`safe_public_url(url)` refuses URLs whose host resolves to a private, loopback,
link-local, multicast, reserved or unspecified address (every resolved address is
checked). `guarded_get(url)` fetches such a URL with redirects followed by hand
(each hop re-checked), a timeout and a size cap; the connection itself checks the
address it actually connected to, so DNS rebinding between check and connect
cannot slip through.

Loopback is allowed only when `settings.SSRF_ALLOW_LOOPBACK` is true (tests and
the local sandbox network turn it on); private ranges are never allowed.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 5


class UnsafeURL(ValueError):
    """The URL is not a public http(s) address we may fetch. The message is readable."""


@dataclass(frozen=True)
class GuardedResponse:
    url: str  # after redirects
    status_code: int
    headers: dict[str, str]
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self):
        import json

        return json.loads(self.content)


def _allow_loopback() -> bool:
    return bool(getattr(settings, "SSRF_ALLOW_LOOPBACK", False))


def address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return _allow_loopback()
    return not (ip.is_private or ip.is_link_local or ip.is_multicast or ip.is_reserved
                or ip.is_unspecified or not ip.is_global)


def safe_public_url(url: str) -> str:
    """Return `url` when it is http(s) to a public host; raise UnsafeURL otherwise."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeURL(_("Only http and https addresses can be used."))
    if parts.username or parts.password:
        raise UnsafeURL(_("Addresses with a user name or password are not allowed."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError) as exc:
        raise UnsafeURL(
            _("The host %(host)s could not be found.") % {"host": parts.hostname}
        ) from exc
    addresses = {info[4][0] for info in infos}
    if not addresses or not all(address_allowed(a) for a in addresses):
        raise UnsafeURL(
            _("The host %(host)s is not a public internet address.") % {"host": parts.hostname}
        )
    return url.strip()


# --- connection-level check (defeats DNS rebinding) ----------------------------------------

class _CheckPeer:
    def _new_conn(self):
        sock = super()._new_conn()
        peer = sock.getpeername()[0]
        if not address_allowed(peer):
            sock.close()
            raise UnsafeURL(_("The address connected to is not a public internet address."))
        return sock


class _GuardedHTTPConnection(_CheckPeer, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_CheckPeer, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _GuardedHTTPPool, "https": _GuardedHTTPSPool,
        }
        self.poolmanager.key_fn_by_scheme = dict(self.poolmanager.key_fn_by_scheme)


def guarded_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # a proxy would make the peer check meaningless
    adapter = GuardedAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def user_agent() -> str:
    """How socialmgr introduces itself to every server it calls."""
    return f"socialmgr/0.1 (+{settings.SITE_URL})"


def guarded_get(url: str, *, headers: dict | None = None, timeout: tuple[float, float] = (5, 10),
                max_bytes: int = DEFAULT_MAX_BYTES, max_redirects: int = MAX_REDIRECTS,
                session: requests.Session | None = None) -> GuardedResponse:
    """GET a public URL safely. Raises UnsafeURL for a refused address, too many redirects
    or a body over `max_bytes`, and requests.RequestException for network failures."""
    session = session or guarded_session()
    all_headers = {"User-Agent": user_agent(), **(headers or {})}
    current = url
    for _hop in range(max_redirects + 1):
        safe_public_url(current)
        # UnsafeURL raised by the connection check propagates unchanged through requests.
        response = session.get(current, headers=all_headers, timeout=timeout,
                               allow_redirects=False, stream=True)
        with response:
            if response.is_redirect and response.headers.get("Location"):
                current = urljoin(current, response.headers["Location"])
                continue
            return GuardedResponse(
                url=current, status_code=response.status_code,
                headers=dict(response.headers), content=_read_capped(response, max_bytes),
            )
    raise UnsafeURL(_("The address redirected too many times."))


def _read_capped(response: requests.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise UnsafeURL(_("The answer is too large."))
    chunks, total = [], 0
    for chunk in response.iter_content(64 * 1024):
        total += len(chunk)
        if total > max_bytes:
            raise UnsafeURL(_("The answer is too large."))
        chunks.append(chunk)
    return b"".join(chunks)
