"""The sandbox network's provider: the full contract, over HTTP, against `settings.SANDBOX_URL`.

The sandbox (`sandbox`) speaks a Mastodon-shaped API, so its entities
are parsed with the Mastodon helpers. What differs from Mastodon: one fixed server (no
instance to name), tokens that expire and refresh, the idempotency key echoed back on
each status (so a lost answer is reconciled exactly) and an impressions count.
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
    AccountMetrics,
    ConnectResult,
    ConnectStart,
    InboxPage,
    Limits,
    MediaFile,
    PostMetrics,
    Provider,
    PublishRequest,
    RemoteAccount,
    RemotePost,
    SetupCheck,
    SetupHelp,
    Tokens,
)
from platforms.errors import AuthExpired, ProviderError, Rejected, Transient
from platforms.http import HttpClient, pick
from platforms.mastodon.connect import tokens_from
from platforms.mastodon.entities import (
    ACCOUNT_METRICS,
    STATUS_METRICS,
    inbox_entry,
    metric_values,
    remote_post,
    status_text,
)
from platforms.mastodon.links import link_param
from platforms.mastodon.text import normalise_for_match
from platforms.oauth2 import check_callback, new_state, pkce_pair

SCOPES = "read write"
LIMITS_CACHE_SECONDS = 10 * 60
INBOX_PAGE_SIZE = 40
FIND_PAGES = 3  # find_published looks through the newest 3 × 40 statuses
POST_METRICS = (*STATUS_METRICS, ("impressions", "impressions_count"))
# The networks a sandbox account can be shaped like (sandbox/shapes.py), by their own names.
SHAPE_NAMES = {"mastodon": "Mastodon", "bluesky": "Bluesky", "x": "X", "linkedin": "LinkedIn",
               "instagram": "Instagram"}


def _session() -> requests.Session:
    # The sandbox URL is set by the operator (usually loopback), not typed in by users, so the
    # SSRF-guarded session is not needed. A big pool: workers publish to it concurrently.
    session = requests.Session()
    session.trust_env = False
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=64, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class SandboxProvider(Provider):
    key = "sandbox"
    name = "Sandbox"
    connect_kind = "oauth"
    supports_idempotency_key = True
    supports_find_published = True
    supports_threads = True
    supports_first_comment = True  # a self-reply

    def __init__(self) -> None:
        self.client = HttpClient("Sandbox", session=_session())

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

    def _call(self, account, method: str, path: str, **kwargs):
        return self.client.json(method, f"{self.base_url()}{path}",
                                token=account.get_access_token(), **kwargs)

    @staticmethod
    def _account_id(account) -> str:
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
        if configuration is None:
            data = self.client.json("GET", f"{self.base_url()}/api/v1/instance")
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
        return limits

    # --- publishing ---------------------------------------------------------------------
    def publish(self, account, request: PublishRequest) -> RemotePost:
        media_ids = [self._upload(account, item) for item in request.media]
        return self._post_status(account, request.text, media_ids=media_ids,
                                 reply_to=request.reply_to, key=request.idempotency_key)

    def _post_status(self, account, text: str, *, media_ids=(), reply_to: str = "",
                     key: str = "") -> RemotePost:
        body: dict = {"status": text}
        if media_ids:
            body["media_ids"] = list(media_ids)
        if reply_to:
            body["in_reply_to_id"] = reply_to
        headers = {"Idempotency-Key": key} if key else {}
        return remote_post(self._call(account, "POST", "/api/v1/statuses", json=body,
                                      headers=headers))

    def _upload(self, account, item: MediaFile) -> str:
        stream = item.open()
        try:
            data = self._call(account, "POST", "/api/v1/media",
                              files={"file": (item.filename, stream, item.content_type)},
                              data={"description": item.alt_text or ""}, timeout=(5.0, 120.0))
        finally:
            stream.close()
        return pick(data, "id", str, what="sandbox media attachment")

    def find_published(self, account, request: PublishRequest) -> RemotePost | None:
        """Our status among the newest ones: by idempotency key, else by text and parent."""
        path = f"/api/v1/accounts/{self._account_id(account)}/statuses"
        params: dict = {"limit": 40}
        wanted = normalise_for_match(request.text)
        for _page in range(FIND_PAGES):
            statuses = self._call(account, "GET", path, params=params)
            if not isinstance(statuses, list):
                raise Transient("unexpected sandbox statuses: not a list")
            for status in statuses:
                if isinstance(status, dict) and _is_ours(status, request, wanted):
                    return remote_post(status)
            if len(statuses) < params["limit"]:
                return None
            params["max_id"] = pick(statuses[-1], "id", str, what="sandbox status")
        return None

    def delete(self, account, remote_id: str) -> None:
        try:
            self._call(account, "DELETE", f"/api/v1/statuses/{remote_id}")
        except Rejected as exc:
            if exc.status != 404:  # already gone is what we wanted
                raise

    # --- conversations ------------------------------------------------------------------
    def fetch_inbox(self, account, cursor: str = "") -> InboxPage:
        """Mentions and replies after `cursor` (the newest notification id seen), oldest first."""
        response = self.client.request(
            "GET", f"{self.base_url()}/api/v1/notifications", token=account.get_access_token(),
            params={"types[]": "mention", "limit": INBOX_PAGE_SIZE, "min_id": cursor or "0"})
        try:
            notifications = response.json()
        except ValueError:
            raise Transient("the sandbox answered with something that is not JSON") from None
        if not isinstance(notifications, list):
            raise Transient("unexpected sandbox notifications: not a list")
        own_id = self._account_id(account)
        items, newest = [], cursor
        for note in notifications:
            if not isinstance(note, dict) or not isinstance(note.get("status"), dict):
                continue
            items.append(inbox_entry(note, own_account_id=own_id))
            note_id = str(note.get("id", ""))
            if note_id.isdigit() and (not newest or int(note_id) > int(newest)):
                newest = note_id
        next_cursor = link_param(response.headers.get("Link", ""), "prev", "min_id") or newest
        items.sort(key=lambda entry: (entry.created_at, entry.remote_id))
        return InboxPage(items=items, cursor=next_cursor or cursor)

    def reply(self, account, entry_remote_id: str, text: str, *,
              idempotency_key: str = "") -> RemotePost:
        """A threaded reply that mentions the author (so they are notified), as clients do."""
        parent = self._call(account, "GET", f"/api/v1/statuses/{entry_remote_id}")
        author = pick(parent, "account.acct", str, what="sandbox status")
        own = pick(parent, "account.id", str, what="sandbox status") == self._account_id(account)
        if not own and f"@{author}".lower() not in text.lower():
            text = f"@{author} {text}"
        return self._post_status(account, text, reply_to=entry_remote_id, key=idempotency_key)

    def search(self, account, query: str, cursor: str = "") -> InboxPage:
        """Listening: "#tag" reads the hashtag timeline; any other words search all public
        posts (the sandbox indexes everything, unlike most Mastodon servers)."""
        from platforms.mastodon.search import search_statuses

        return search_statuses(
            lambda method, url, **kw: self.client.request(
                method, url, token=account.get_access_token(), **kw),
            self.base_url(), query, cursor, bare_word_is_tag=False)

    # --- analytics ----------------------------------------------------------------------
    def fetch_account_metrics(self, account) -> AccountMetrics:
        data = self._call(account, "GET", "/api/v1/accounts/verify_credentials")
        if not isinstance(data, dict):
            raise Transient("unexpected sandbox account: not an object")
        return AccountMetrics(fetched_at=timezone.now(),
                              values=metric_values(data, ACCOUNT_METRICS))

    def fetch_post_metrics(self, account, remote_ids: list[str]) -> list[PostMetrics]:
        """Counts for each status still there (deleted ones are left out), 40 per call."""
        now, results = timezone.now(), []
        for start in range(0, len(remote_ids), 40):
            chunk = remote_ids[start:start + 40]
            data = self._call(account, "GET", "/api/v1/statuses", params={"id[]": chunk})
            if not isinstance(data, list):
                raise Transient("unexpected sandbox statuses: not a list")
            for status in data:
                if isinstance(status, dict) and isinstance(status.get("id"), str):
                    results.append(PostMetrics(remote_id=status["id"], fetched_at=now,
                                               values=metric_values(status, POST_METRICS)))
        return results


def _is_ours(status: dict, request: PublishRequest, wanted_text: str) -> bool:
    if request.idempotency_key:
        return status.get("idempotency_key") == request.idempotency_key
    same_parent = (status.get("in_reply_to_id") or "") == (request.reply_to or "")
    return same_parent and normalise_for_match(status_text(status)) == wanted_text


def _shape_settings(shape: dict) -> dict:
    """The network shape the sandbox reports on an account, kept in the account's settings."""
    kept = {"key": str(shape.get("key") or "mastodon")[:20],
            "label": str(shape.get("label") or "")[:40]}
    for name in ("max_characters", "max_media_attachments", "characters_reserved_per_url"):
        value = shape.get(name)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            kept[name] = value
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
