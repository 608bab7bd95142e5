"""Who a handle is and where their data lives: handle → DID → DID document → PDS.

Nothing here names a host: handles resolve through an optional trusted resolver
(`ATPROTO_HANDLE_RESOLVER_URL`), DNS TXT `_atproto.<handle>` and
`https://<handle>/.well-known/atproto-did`; did:plc documents come from
`ATPROTO_PLC_URL`, did:web documents from the domain itself. A handle counts only when
its DID document names it back (`alsoKnownAs: at://<handle>`), as the spec requires.

A self-hosted PDS the admin names in the connect form (`resolve_identity(…, via=url)`)
does both jobs instead: `com.atproto.identity.resolveHandle` and
`com.atproto.repo.describeRepo` (the DID document) on that server, so a PDS in a network
of its own needs neither setting. An address the SSRF guard refuses is reported as
refused (with the setting that allows it), never as "not found".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

import dns.exception
import dns.resolver
import requests
from django.conf import settings
from django.utils.translation import gettext as _

from lib.netguard import (
    AddressNotAllowed,
    UnsafeURL,
    guarded_get,
    host_named_allowed,
    safe_public_url,
)
from lib.weburl import origin_url
from platforms.errors import Rejected, Transient

HANDLE_RE = re.compile(
    r"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$"
)
DID_RE = re.compile(r"^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$")
DNS_LIFETIME = 3.0
MAX_DOC_BYTES = 64 * 1024


@dataclass(frozen=True)
class Identity:
    did: str
    handle: str
    pds_url: str


def normalize_handle(value: str) -> str:
    """`@Alice.bsky.social ` → `alice.bsky.social`; Rejected when it is no handle."""
    handle = value.strip().lstrip("@").lower()
    if len(handle) > 253 or not HANDLE_RE.match(handle):
        raise Rejected(_("“%(handle)s” is not a valid handle. Enter it like "
                         "alice.bsky.social.") % {"handle": value.strip()})
    return handle


def _fetch_json(url: str) -> dict | None:
    """GET a JSON object through the SSRF guard; None when absent, Transient when unreachable,
    AddressNotAllowed when the guard refuses the address (the caller says so)."""
    try:
        response = guarded_get(url, headers={"Accept": "application/json"},
                               max_bytes=MAX_DOC_BYTES)
    except AddressNotAllowed:
        raise
    except UnsafeURL:  # no such host, too large
        return None
    except requests.RequestException:
        raise Transient(f"Bluesky: {url.split('?')[0]} could not be reached") from None
    if response.status_code >= 500:
        raise Transient(f"Bluesky: {url.split('?')[0]} answered HTTP {response.status_code}",
                        status=response.status_code)
    if response.status_code != 200:
        return None
    try:
        data = response.json()
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _via_resolver(handle: str, base: str = "") -> str | None:
    base = base or settings.ATPROTO_HANDLE_RESOLVER_URL
    if not base:
        return None
    data = _fetch_json(f"{base}/xrpc/com.atproto.identity.resolveHandle?"
                       + urlencode({"handle": handle}))
    did = (data or {}).get("did")
    return did if isinstance(did, str) and DID_RE.match(did) else None


def _via_dns(handle: str) -> str | None:
    try:
        answer = dns.resolver.resolve(f"_atproto.{handle}", "TXT", lifetime=DNS_LIFETIME)
    except (dns.exception.DNSException, OSError):
        return None
    found = set()
    for record in answer:
        text = b"".join(record.strings).decode("utf-8", errors="replace")
        if text.startswith("did="):
            found.add(text[4:].strip())
    # Several different DIDs make the record ambiguous: the spec says treat it as absent.
    did = found.pop() if len(found) == 1 else None
    return did if did and DID_RE.match(did) else None


def _via_well_known(handle: str) -> str | None:
    try:
        response = guarded_get(f"https://{handle}/.well-known/atproto-did", max_bytes=2048,
                               timeout=(3, 5))
    except AddressNotAllowed:
        raise
    except (UnsafeURL, requests.RequestException):
        return None
    did = response.text.strip() if response.status_code == 200 else ""
    return did if DID_RE.match(did) else None


def resolve_handle(handle: str) -> str | None:
    """The DID a handle claims, or None when no method finds one. Rejected (saying which
    address was refused and which setting allows it) when none finds one and the SSRF
    guard refused a method's address."""
    refused = ""
    for method in (_via_resolver, _via_dns, _via_well_known):
        try:
            did = method(handle)
        except AddressNotAllowed as exc:
            refused = refused or str(exc)
            continue
        if did:
            return did
    if refused:
        raise Rejected(refused)
    return None


def resolve_did(did: str) -> dict:
    """The DID document; Rejected when there is none, Transient when it cannot be fetched."""
    try:
        if did.startswith("did:plc:"):
            doc = _fetch_json(f"{settings.ATPROTO_PLC_URL}/{quote(did, safe=':')}")
        elif did.startswith("did:web:"):
            host = did.removeprefix("did:web:")
            if ":" in host or not HANDLE_RE.match(host):  # did:web with paths is not allowed
                doc = None
            else:
                doc = _fetch_json(f"https://{host}/.well-known/did.json")
        else:
            doc = None
    except AddressNotAllowed as exc:
        raise Rejected(str(exc)) from None
    if not doc or doc.get("id") != did:
        raise Rejected(_("The identity %(did)s could not be found.") % {"did": did})
    return doc


def pds_endpoint(doc: dict) -> str:
    for service in doc.get("service") or []:
        if not isinstance(service, dict):
            continue
        if (str(service.get("id", "")).endswith("#atproto_pds")
                and service.get("type") == "AtprotoPersonalDataServer"
                and isinstance(service.get("serviceEndpoint"), str)):
            endpoint = service["serviceEndpoint"].rstrip("/")
            if endpoint.startswith(("https://", "http://")):
                return endpoint
    raise Rejected(_("This account's identity names no server (PDS) to connect to."))


def handle_of(doc: dict) -> str:
    """The handle the document claims (first `at://` alias), or "" when none."""
    for alias in doc.get("alsoKnownAs") or []:
        if isinstance(alias, str) and alias.startswith("at://"):
            return alias.removeprefix("at://").lower()
    return ""


def normalise_pds_url(raw: str) -> str:
    """`https://host[:port]` for the PDS address a person typed; Rejected (with the reason)
    when it is no address or one the SSRF guard refuses. Plain http stays only for a server
    the installation names as its own (SSRF_ALLOW_HOSTS, or loopback in development)."""
    text = (raw or "").strip().rstrip("/")
    if "://" not in text:
        text = f"https://{text}"
    try:
        parts = urlsplit(text)
        host, port = (parts.hostname or "").lower().rstrip("."), parts.port
    except ValueError:
        host, port = "", None
    if (parts.scheme not in ("http", "https") or not host or parts.username or parts.password
            or parts.path not in ("", "/") or parts.query):
        raise Rejected(_("“%(value)s” is not a server address. Enter it like "
                         "https://pds.example.org.") % {"value": raw.strip()[:100]})
    scheme = "http" if parts.scheme == "http" and host_named_allowed(host) else "https"
    url = origin_url(scheme, host, port)
    try:
        safe_public_url(url)
    except UnsafeURL as exc:
        raise Rejected(str(exc)) from None
    return url


def _via_pds(pds_url: str, value: str) -> Identity:
    """The identity as the admin's own PDS describes it: handle → DID (resolveHandle), DID
    document (describeRepo). The server is trusted as the admin named it; the handle must
    still be the one its document claims."""
    host = urlsplit(pds_url).netloc
    try:
        if value.startswith("did:"):
            if not DID_RE.match(value):
                raise Rejected(_("“%(did)s” is not a valid DID.") % {"did": value})
            did = value
        else:
            did = _via_resolver(normalize_handle(value), pds_url)
            if not did:
                raise Rejected(_("The server %(host)s does not know the handle %(handle)s. "
                                 "Check the spelling and the server address.")
                               % {"host": host, "handle": value.strip().lstrip("@")})
        repo = _fetch_json(f"{pds_url}/xrpc/com.atproto.repo.describeRepo?"
                           + urlencode({"repo": did}))
    except AddressNotAllowed as exc:
        raise Rejected(str(exc)) from None
    doc = (repo or {}).get("didDoc")
    if not isinstance(doc, dict) or doc.get("id") != did:
        doc = resolve_did(did)  # an older PDS without the document: the usual way
    handle = handle_of(doc)
    if not value.startswith("did:") and handle != normalize_handle(value):
        raise Rejected(_("The handle %(handle)s points to an identity that does not confirm it "
                         "(its DID document names another handle).")
                       % {"handle": normalize_handle(value)})
    return Identity(did=did, handle=handle or "handle.invalid", pds_url=pds_url)


def resolve_identity(value: str, *, via: str = "") -> Identity:
    """A handle (or DID) to its verified identity. Rejected with a readable message otherwise.
    `via`: the PDS the admin named (normalised), which then resolves it."""
    value = value.strip()
    if via:
        return _via_pds(via, value)
    if value.startswith("did:"):
        if not DID_RE.match(value):
            raise Rejected(_("“%(did)s” is not a valid DID.") % {"did": value})
        doc = resolve_did(value)
        handle = handle_of(doc)
        verified = handle and resolve_handle(handle) == value
        return Identity(did=value, handle=handle if verified else "handle.invalid",
                        pds_url=pds_endpoint(doc))
    handle = normalize_handle(value)
    did = resolve_handle(handle)
    if not did:
        raise Rejected(_("The handle %(handle)s could not be found. Check the spelling; "
                         "for a custom domain, check its DNS or .well-known setup.")
                       % {"handle": handle})
    doc = resolve_did(did)
    if handle_of(doc) != handle:
        raise Rejected(_("The handle %(handle)s points to an identity that does not confirm it "
                         "(its DID document names another handle).") % {"handle": handle})
    return Identity(did=did, handle=handle, pds_url=pds_endpoint(doc))
