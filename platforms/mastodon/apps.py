"""Per-instance OAuth app registration and the server's OAuth endpoints.

Every Mastodon server needs its own client app (`POST /api/v1/apps`). Registering one per
connect would litter the server with apps, so the registration is stored once per
(instance, redirect URI, scopes) in `InstanceAppRegistration`, the client secret encrypted
(`lib.crypto`). The server's OAuth metadata is only cached.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from lib.crypto import DecryptionFailed, decrypt, encrypt
from platforms.errors import ProviderError, Rejected, Transient
from platforms.http import pick
from platforms.mastodon.client import MastodonClient

APP_NAME = "socialmgr"
GRANULAR_SCOPES = "read:statuses write:statuses write:media read:notifications read:accounts"
BROAD_SCOPES = "read write"
METADATA_CACHE_SECONDS = 60 * 60 * 24


@dataclass(frozen=True)
class OAuthEndpoints:
    authorize: str
    token: str
    revoke: str
    pkce: bool  # the server advertises S256 (Mastodon 4.3+)
    scopes_supported: tuple[str, ...] = ()


@dataclass(frozen=True)
class AppRegistration:
    client_id: str
    client_secret: str
    scopes: str


def oauth_endpoints(url: str, client: MastodonClient) -> OAuthEndpoints:
    """From RFC 8414 metadata where the server publishes it, else Mastodon's fixed paths."""
    key = f"mastodon:oauth-meta:{_digest(url)}"
    cached = cache.get(key)
    if cached:
        return OAuthEndpoints(**cached)
    endpoints = OAuthEndpoints(authorize=f"{url}/oauth/authorize", token=f"{url}/oauth/token",
                               revoke=f"{url}/oauth/revoke", pkce=False)
    try:
        data = client.json("GET", f"{url}/.well-known/oauth-authorization-server",
                           allow_redirects=False)
    except ProviderError:
        data = None
    if isinstance(data, dict):
        methods = data.get("code_challenge_methods_supported") or []
        scopes = data.get("scopes_supported") or []
        endpoints = OAuthEndpoints(
            authorize=_same_origin(url, data.get("authorization_endpoint"), endpoints.authorize),
            token=_same_origin(url, data.get("token_endpoint"), endpoints.token),
            revoke=_same_origin(url, data.get("revocation_endpoint"), endpoints.revoke),
            pkce=isinstance(methods, list) and "S256" in methods,
            scopes_supported=tuple(s for s in scopes if isinstance(s, str))
            if isinstance(scopes, list) else (),
        )
    cache.set(key, endpoints.__dict__, METADATA_CACHE_SECONDS)
    return endpoints


def _same_origin(url: str, candidate, fallback: str) -> str:
    """Only endpoints on the instance itself: metadata must not send tokens elsewhere."""
    if isinstance(candidate, str) and candidate.startswith(f"{url}/"):
        return candidate
    return fallback


def choose_scopes(endpoints: OAuthEndpoints, *, granular_ok: bool) -> str:
    wanted = GRANULAR_SCOPES.split()
    if granular_ok and (not endpoints.scopes_supported
                        or all(s in endpoints.scopes_supported for s in wanted)):
        return GRANULAR_SCOPES
    return BROAD_SCOPES


def registered_app(url: str, *, redirect_uri: str, scopes: str,
                   client: MastodonClient) -> AppRegistration:
    """The stored registration for this instance, registering once when there is none."""
    from accounts.models import InstanceAppRegistration

    lookup = {"provider": "mastodon", "instance_url": url, "redirect_uri": redirect_uri,
              "scopes": scopes}
    stored = InstanceAppRegistration.objects.filter(**lookup).first()
    if stored:
        try:
            return AppRegistration(stored.client_id, decrypt(stored.client_secret_encrypted),
                                   stored.scopes)
        except DecryptionFailed:  # unreadable (keys rotated without re-encrypting): anew
            stored.delete()
    app = register_app(url, redirect_uri=redirect_uri, scopes=scopes, client=client)
    InstanceAppRegistration.objects.update_or_create(
        **lookup, defaults={"client_id": app.client_id,
                            "client_secret_encrypted": encrypt(app.client_secret)})
    return app


def register_app(url: str, *, redirect_uri: str, scopes: str,
                 client: MastodonClient) -> AppRegistration:
    try:
        data = client.json("POST", f"{url}/api/v1/apps", json={
            "client_name": APP_NAME, "redirect_uris": redirect_uri, "scopes": scopes,
            "website": settings.SITE_URL,
        })
    except Transient:
        raise
    except ProviderError as exc:
        raise Rejected(_("The server refused to register this app: %(reason)s")
                       % {"reason": exc.message}) from None
    return AppRegistration(
        client_id=pick(data, "client_id", str, what="Mastodon app registration"),
        client_secret=pick(data, "client_secret", str, what="Mastodon app registration"),
        scopes=scopes,
    )


def forget_app(url: str, *, redirect_uri: str, scopes: str) -> None:
    """Drop a stored registration the server no longer knows (invalid_client)."""
    from accounts.models import InstanceAppRegistration

    InstanceAppRegistration.objects.filter(provider="mastodon", instance_url=url,
                                           redirect_uri=redirect_uri, scopes=scopes).delete()


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]
