"""SSRF guard for URLs that people type in (Mastodon instances, link previews, media URLs).

`safe_public_url(url)` refuses URLs whose host resolves to a private, loopback,
link-local, multicast, reserved or unspecified address (every resolved address is
checked). `guarded_get(url)` fetches such a URL with redirects followed by hand
(each hop re-checked), a timeout and a size cap; the connection itself checks the
address it actually connected to, so DNS rebinding between check and connect
cannot slip through.

Self-hosted servers: `settings.SSRF_ALLOW_HOSTS` (the `SSRF_ALLOW_HOSTS` environment
variable, comma-separated; empty by default) names the organisation's own servers that
may be reached although they are not public: host names (`mastodon.internal`, or
`*.internal` for every name under it) and IP addresses or CIDR networks (`10.0.0.0/8`,
`127.0.0.1`). A named host may resolve to private, shared and loopback addresses (not
to link-local, multicast, reserved or unspecified ones: list such a network explicitly if
you must);
an address in a listed network is allowed whichever name led to it. The allowance is
checked where every other rule is: for each resolved address, for every redirect hop and
for the address the socket actually connected to (with the host name it was opened for).
`SSRF_ALLOW_LOOPBACK` stays as the development switch (tests, the local sandbox): it lets
127.0.0.1/::1 through for any name. `allowance()` describes both for the status page and
the deploy checks (ops/checks.py).
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
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


class AddressNotAllowed(UnsafeURL):
    """The host exists but its address is not allowed (private, loopback …); the message
    names the setting that would allow it."""


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


ALLOW_SETTING = "SSRF_ALLOW_HOSTS"
_HOST_NAME = re.compile(r"^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}"
                        r"[a-z0-9])?)*$")


@dataclass(frozen=True)
class Allowance:
    """What the guard lets through besides the public internet (from the settings)."""

    hosts: frozenset[str]  # exact names, lower case
    domains: tuple[str, ...]  # "*.internal" → ".internal": every name under it
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    loopback: bool  # SSRF_ALLOW_LOOPBACK, the development switch
    invalid: tuple[str, ...]  # entries that are neither a host name nor a network

    @property
    def entries(self) -> list[str]:
        return sorted(self.hosts) + [f"*{d}" for d in self.domains] + [str(n) for n in
                                                                       self.networks]

    def names(self, host: str | None) -> bool:
        host = _normal_host(host)
        return bool(host) and (host in self.hosts or host.endswith(self.domains))

    def contains(self, ip) -> bool:
        return any(ip in network for network in self.networks if network.version == ip.version)


def _normal_host(host: str | None) -> str:
    return (host or "").strip().strip("[]").lower().rstrip(".")


@lru_cache(maxsize=8)
def _parse(entries: tuple[str, ...], loopback: bool) -> Allowance:
    hosts, domains, networks, invalid = set(), [], [], []
    for raw in entries:
        entry = _normal_host(raw)
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
            continue
        except ValueError:
            pass
        if not entry or not _HOST_NAME.match(entry):
            invalid.append(raw)
        elif entry.startswith("*."):
            domains.append(entry[1:])
        else:
            hosts.add(entry)
    return Allowance(hosts=frozenset(hosts), domains=tuple(domains), networks=tuple(networks),
                     loopback=loopback, invalid=tuple(invalid))


def allowance() -> Allowance:
    raw = getattr(settings, ALLOW_SETTING, None) or ()
    if isinstance(raw, str):
        raw = raw.split(",")
    return _parse(tuple(str(e) for e in raw if str(e).strip()),
                  bool(getattr(settings, "SSRF_ALLOW_LOOPBACK", False)))


def _ip(address: str):
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip


def _is_public(ip) -> bool:
    return not (ip.is_private or ip.is_link_local or ip.is_multicast or ip.is_reserved
                or ip.is_unspecified or ip.is_loopback or not ip.is_global)


def address_allowed(address: str, host: str | None = None) -> bool:
    """Whether we may connect to `address` (reached through the name `host`, if any)."""
    ip = _ip(address)
    if _is_public(ip):
        return True
    allowed = allowance()
    if allowed.contains(ip):
        return True
    if ip.is_loopback and allowed.loopback:
        return True
    # A named own server may live on a private, shared (100.64/10) or loopback address;
    # not on link-local (cloud metadata), multicast, reserved or unspecified ones.
    return allowed.names(host) and not (ip.is_link_local or ip.is_multicast
                                        or ip.is_reserved or ip.is_unspecified)


def host_named_allowed(host: str) -> bool:
    """Whether `host` itself is named by the allowances (a listed name, an address in a
    listed network, or loopback with the development switch): such a server may be
    spoken to over plain http, as a person typed it."""
    allowed = allowance()
    if allowed.names(host):
        return True
    try:
        ip = _ip(_normal_host(host))
    except ValueError:
        return allowed.loopback and _normal_host(host) == "localhost"
    return allowed.contains(ip) or (allowed.loopback and ip.is_loopback)


def refused_message(host: str, address: str = "") -> str:
    """What a person reads when an address is refused: that, and which setting allows it."""
    return _("The address %(host)s is not allowed: it is not a public internet address"
             "%(address)s. If it is your organisation's own server, the administrator of "
             "this installation can allow it with the setting %(setting)s.") % {
        "host": host, "setting": ALLOW_SETTING,
        "address": f" ({address})" if address and address != host else ""}


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
    refused = sorted(a for a in addresses if not address_allowed(a, parts.hostname))
    if not addresses or refused:
        raise AddressNotAllowed(refused_message(parts.hostname, ", ".join(refused[:3])))
    return url.strip()


# --- connection-level check (defeats DNS rebinding) ----------------------------------------

class _CheckPeer:
    def _new_conn(self):
        sock = super()._new_conn()
        peer = sock.getpeername()[0]
        if not address_allowed(peer, self.host):
            sock.close()
            raise AddressNotAllowed(refused_message(self.host, peer))
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


@contextmanager
def guarded_stream(url: str, *, headers: dict | None = None,
                   timeout: tuple[float, float] = (5, 10), max_redirects: int = MAX_REDIRECTS,
                   session: requests.Session | None = None):
    """The answer to a GET of a public URL after redirects (each hop re-checked), with the
    body not read yet: `(final_url, response)`. Raises like `guarded_get`."""
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
            yield current, response
            return
    raise UnsafeURL(_("The address redirected too many times."))


def guarded_get(url: str, *, headers: dict | None = None, timeout: tuple[float, float] = (5, 10),
                max_bytes: int = DEFAULT_MAX_BYTES, max_redirects: int = MAX_REDIRECTS,
                session: requests.Session | None = None) -> GuardedResponse:
    """GET a public URL safely. Raises UnsafeURL for a refused address, too many redirects
    or a body over `max_bytes`, and requests.RequestException for network failures."""
    with guarded_stream(url, headers=headers, timeout=timeout, max_redirects=max_redirects,
                        session=session) as (final_url, response):
        return GuardedResponse(
            url=final_url, status_code=response.status_code,
            headers=dict(response.headers), content=_read_capped(response, max_bytes),
        )


def _chunks_capped(response: requests.Response, max_bytes: int):
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise UnsafeURL(_("The answer is too large."))
    total = 0
    for chunk in response.iter_content(64 * 1024):
        total += len(chunk)
        if total > max_bytes:
            raise UnsafeURL(_("The answer is too large."))
        yield chunk


def _read_capped(response: requests.Response, max_bytes: int) -> bytes:
    return b"".join(_chunks_capped(response, max_bytes))


def copy_capped(response: requests.Response, fileobj, max_bytes: int,
                deadline: float | None = None) -> int:
    """Stream the body into `fileobj` (never all in memory); UnsafeURL past `max_bytes` or,
    when given, past `deadline` (time.monotonic()): a server that drips its answer slowly
    stays within each read's timeout but must not hold the caller for ever."""
    total = 0
    for chunk in _chunks_capped(response, max_bytes):
        if deadline is not None and time.monotonic() > deadline:
            raise UnsafeURL(_("The answer took too long."))
        fileobj.write(chunk)
        total += len(chunk)
    return total
