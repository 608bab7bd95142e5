"""The sandbox network's provider: the full contract, over HTTP, against `settings.SANDBOX_URL`.

The sandbox (`sandbox`) speaks a Mastodon-shaped API, so the provider is one of the
Mastodon-compatible family (`platforms.mastodon.compatible`): publishing, the inbox,
replies, listening and account metrics are the family's. What differs from Mastodon and
lives here: one fixed server (no instance to name), tokens that expire and refresh, the
idempotency key echoed back on each status (so a lost answer is reconciled exactly), the
limits of the network an account is shaped like, and post metrics in one batched call
with an impressions count.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter

from platforms.base import (
    ConnectResult,
    ConnectStart,
    Limits,
    PostMetrics,
    RemoteAccount,
    SetupCheck,
    SetupHelp,
    Tokens,
)
from platforms.errors import AuthExpired, ProviderError, Rejected, Transient
from platforms.http import pick
from platforms.mastodon.client import MastodonClient
from platforms.mastodon.compatible import PAGE_SIZE, MastodonCompatibleProvider
from platforms.mastodon.connect import tokens_from
from platforms.mastodon.entities import STATUS_METRICS, metric_values
from platforms.oauth2 import check_callback, new_state, pkce_pair

SCOPES = "read write"
LIMITS_CACHE_SECONDS = 10 * 60
UNAVAILABLE, UNAVAILABLE_SECONDS = "unavailable", 30  # the instance did not answer
POST_METRICS = (*STATUS_METRICS, ("impressions", "impressions_count"))
# The networks a sandbox account can be shaped like (sandbox/shapes.py), by their own names.
SHAPE_NAMES = {"mastodon": "Mastodon", "bluesky": "Bluesky", "x": "X", "linkedin": "LinkedIn",
               "instagram": "Instagram", "threads": "Threads"}
# The counting rules a shape may name (platforms.limits.Limits.counting).
SHAPE_COUNTINGS = {"mastodon", "graphemes", "weighted", "bytes_emoji", "chars"}


def _session() -> requests.Session:
    # The sandbox URL is set by the operator (usually loopback), not typed in by users, so the
    # SSRF-guarded session is not needed. A big pool: workers publish to it concurrently.
    session = requests.Session()
    session.trust_env = False
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=64, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class SandboxProvider(MastodonCompatibleProvider):
    key = "sandbox"
    name = "Sandbox"
    connect_kind = "oauth"
    echoes_idempotency_key = True  # each status carries the key it was created with
    find_pages = 3  # find_published looks through the newest 3 × 40 statuses
    inbox_from_start = True  # the first poll reads every mention, oldest first
    bare_word_is_tag = False  # the sandbox indexes every post: a word is a search

    def __init__(self) -> None:
        # The sandbox speaks the Mastodon API, errors included.
        self.client = MastodonClient(_session(), platform="Sandbox")

    # --- helpers ------------------------------------------------------------------------
    @staticmethod
    def base_url() -> str:
        return settings.SANDBOX_URL.rstrip("/")

    @staticmethod
    def credentials(organization=None) -> tuple[str, str]:
        """The configured app, or a stable one derived from this installation (auto-registered
        by the sandbox on first use)."""
        from accounts.services.platform_apps import platform_credentials

        configured = platform_credentials("sandbox", organization)
        if configured:
            return configured.client_id, configured.client_secret
        secret = hmac.new(settings.SECRET_KEY.encode(), f"sandbox:{settings.SITE_URL}".encode(),
                          hashlib.sha256).hexdigest()
        return "socialmgr", secret

    def _base(self, account) -> str:
        return self.base_url()

    def _own_account_id(self, account) -> str:
        account_id = str(account.settings.get("account_id") or account.external_id or "")
        if not account_id:
            raise Rejected(_("This account is missing its sandbox id; please reconnect it."))
        return account_id

    def platform_label(self, account) -> str:
        """"Sandbox (like Bluesky)" for an account the sandbox shapes like another network."""
        key = ((account.settings or {}).get("shape") or {}).get("key", "")
        like = SHAPE_NAMES.get(key)
        if not like:
            return str(self.name)
        return _("Sandbox (like %(network)s)") % {"network": like}

    # --- connecting ---------------------------------------------------------------------
    def connect_start(self, *, redirect_uri: str, form_data: dict | None = None,
                      organization=None) -> ConnectStart:
        client_id, _secret = self.credentials(organization)
        state = new_state()
        verifier, challenge = pkce_pair()
        query = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
                 "scope": SCOPES, "state": state, "code_challenge": challenge,
                 "code_challenge_method": "S256"}
        return ConnectStart(redirect_url=f"{self.base_url()}/oauth/authorize?{urlencode(query)}",
                            state={"state": state, "code_verifier": verifier})

    def connect_complete(self, *, redirect_uri: str, state: dict, params: dict,
                         organization=None) -> ConnectResult:
        code = check_callback(expected_state=str(state.get("state", "")), params=params,
                              platform=self.name)
        client_id, secret = self.credentials(organization)
        try:
            data = self.client.json("POST", f"{self.base_url()}/oauth/token", data={
                "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                "client_id": client_id, "client_secret": secret,
                "code_verifier": str(state.get("code_verifier", "")),
            })
        except (Rejected, AuthExpired) as exc:
            raise Rejected(_("The sandbox did not accept the sign-in (%(reason)s). Nothing was "
                             "connected; please try again.") % {"reason": exc.message}) from None
        tokens = tokens_from(data)
        me = self.client.json("GET", f"{self.base_url()}/api/v1/accounts/verify_credentials",
                              token=tokens.access_token)
        account_id = pick(me, "id", str, what="sandbox account")
        username = pick(me, "username", str, what="sandbox account")
        remote = RemoteAccount(
            external_id=account_id, handle=f"@{username}",
            display_name=pick(me, "display_name", str, what="sandbox account", default=""),
            avatar_url=pick(me, "avatar", str, what="sandbox account", default=""))
        shape = me.get("sandbox_shape") if isinstance(me.get("sandbox_shape"), dict) else {}
        return ConnectResult(account=remote, tokens=tokens,
                             settings={"account_id": account_id, "client_id": client_id,
                                       "shape": _shape_settings(shape)})

    def refresh(self, account) -> Tokens | None:
        if not account.has_refresh_token:
            return None
        client_id, secret = self.credentials(account.organization)
        try:
            data = self.client.json("POST", f"{self.base_url()}/oauth/token", data={
                "grant_type": "refresh_token", "refresh_token": account.get_refresh_token(),
                "client_id": account.settings.get("client_id") or client_id,
                "client_secret": secret,
            })
        except Rejected as exc:  # invalid_grant: the refresh token was revoked
            raise AuthExpired(_("The sandbox refused to renew the sign-in (%(reason)s).")
                              % {"reason": exc.message}, status=exc.status) from None
        return tokens_from(data)

    def setup_help(self, *, redirect_uri: str) -> SetupHelp:
        return SetupHelp(
            redirect_uri=redirect_uri, scopes=tuple(SCOPES.split()), needs_credentials=False,
            steps=(
                _("The sandbox is a pretend network for trying socialmgr out: nothing you "
                  "post there is public."),
                _("Start it with: python -m sandbox --port 8001 (make run "
                  "does this) and point SANDBOX_URL at it."),
            ))

    def check_setup(self, *, redirect_uri: str, organization=None) -> list[SetupCheck]:
        try:
            self.client.json("GET", f"{self.base_url()}/api/v1/instance")
        except ProviderError:
            return [SetupCheck("error", _(
                "The sandbox network does not answer at %(url)s. Start it with "
                "python -m sandbox or set SANDBOX_URL.")
                % {"url": self.base_url()})]
        return [SetupCheck("ok", _("The sandbox network answers at %(url)s.")
                           % {"url": self.base_url()})]

    # --- limits -------------------------------------------------------------------------
    def limits(self, account) -> Limits:
        key = f"sandbox:instance:{hashlib.sha256(self.base_url().encode()).hexdigest()[:24]}"
        configuration = cache.get(key)
        if configuration == UNAVAILABLE:
            raise Transient("the sandbox did not answer a moment ago")
        if configuration is None:
            try:
                data = self.client.json("GET", f"{self.base_url()}/api/v1/instance")
            except ProviderError:
                # Not asked again for each account of a page (the composer shows them all)
                # nor on every page while it is down.
                cache.set(key, UNAVAILABLE, UNAVAILABLE_SECONDS)
                raise
            configuration = pick(data, "configuration", dict, what="sandbox instance")
            cache.set(key, configuration, LIMITS_CACHE_SECONDS)
        limits = limits_from(configuration)
        shape = (account.settings or {}).get("shape") if account is not None else None
        if isinstance(shape, dict) and shape.get("key", "mastodon") != "mastodon":
            # An account shaped like another network has that network's limits.
            limits = dataclasses.replace(
                limits, max_chars=shape.get("max_characters", limits.max_chars),
                max_media=shape.get("max_media_attachments", limits.max_media),
                url_length=shape.get("characters_reserved_per_url", limits.url_length))
            counting = shape.get("counting", "mastodon")
            if counting != "mastodon":  # counted as that network counts (Threads: emoji bytes)
                limits = dataclasses.replace(limits, counting=counting, url_length=None)
            if shape.get("mixed_media"):
                limits = dataclasses.replace(limits, mixed_media_allowed=True)
        return limits

    # --- analytics ----------------------------------------------------------------------
    def fetch_post_metrics(self, account, remote_ids: list[str]) -> list[PostMetrics]:
        """Counts for each status still there (deleted ones are left out), 40 per call."""
        now, results = timezone.now(), []
        for start in range(0, len(remote_ids), PAGE_SIZE):
            chunk = remote_ids[start:start + PAGE_SIZE]
            data = self._call(account, "GET", "/api/v1/statuses", params={"id[]": chunk})
            if not isinstance(data, list):
                raise Transient("unexpected sandbox statuses: not a list")
            for status in data:
                if isinstance(status, dict) and isinstance(status.get("id"), str):
                    results.append(PostMetrics(remote_id=status["id"], fetched_at=now,
                                               values=metric_values(status, POST_METRICS)))
        return results


def _shape_settings(shape: dict) -> dict:
    """The network shape the sandbox reports on an account, kept in the account's settings."""
    kept = {"key": str(shape.get("key") or "mastodon")[:20],
            "label": str(shape.get("label") or "")[:40]}
    for name in ("max_characters", "max_media_attachments", "characters_reserved_per_url"):
        value = shape.get(name)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            kept[name] = value
    if shape.get("counting") in SHAPE_COUNTINGS:
        kept["counting"] = shape["counting"]
    if shape.get("mixed_media") is True:
        kept["mixed_media"] = True
    metrics = shape.get("metrics")
    if isinstance(metrics, list):
        kept["metrics"] = [str(m)[:20] for m in metrics if isinstance(m, str)][:10]
    return kept


def limits_from(configuration: dict) -> Limits:
    statuses = configuration.get("statuses") or {}
    media = configuration.get("media_attachments") or {}

    def number(section: dict, name: str, default: int) -> int:
        value = section.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else default

    types = tuple(t for t in media.get("supported_mime_types") or () if isinstance(t, str))
    return Limits(
        max_chars=number(statuses, "max_characters", 500), counting="mastodon",
        url_length=number(statuses, "characters_reserved_per_url", 23),
        max_media=number(statuses, "max_media_attachments", 4),
        max_image_bytes=number(media, "image_size_limit", 16 * 1024 * 1024),
        max_video_bytes=number(media, "video_size_limit", 99 * 1024 * 1024),
        media_types=types or ("image/jpeg", "image/png", "image/gif", "image/webp"),
        alt_text_max=number(media, "description_limit", 1500),
        video_allowed=any(t.startswith("video/") for t in types), mixed_media_allowed=False,
    )
