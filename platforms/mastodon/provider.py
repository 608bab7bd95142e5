"""The Mastodon provider: Mastodon and every server speaking its client API.

The client API itself (statuses, media v2, notifications, replies, listening, account
metrics) is `MastodonCompatibleProvider` (`compatible.py`), shared with the sandbox. What
is Mastodon's own lives here: connecting to a server a person names, per-server
differences (idempotency, defaults, counting) from the server flavour (`servers.py`),
limits from the instance configuration, editing, and post metrics status by status.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from platforms.base import (
    ConnectResult,
    ConnectStart,
    Limits,
    PostMetrics,
    PublishRequest,
    RemotePost,
    Tokens,
)
from platforms.errors import ProviderError, Rejected
from platforms.mastodon import connect
from platforms.mastodon.client import MastodonClient
from platforms.mastodon.compatible import MastodonCompatibleProvider
from platforms.mastodon.entities import STATUS_METRICS, metric_values, remote_post
from platforms.mastodon.instance import fetch_instance, limits_from_configuration
from platforms.mastodon.servers import MastodonServer, server_for
from platforms.mastodon.text import normalise_for_match

LIMITS_CACHE_SECONDS = 60 * 60
UNAVAILABLE, UNAVAILABLE_SECONDS = "unavailable", 30  # the server did not answer


class MastodonProvider(MastodonCompatibleProvider):
    key = "mastodon"
    name = "Mastodon"
    connect_kind = "instance"
    supports_idempotency_key = True  # where the server honours it; find_published otherwise
    supports_edit = True  # PUT /api/v1/statuses/:id (Mastodon 3.5+)
    find_params = {"exclude_reblogs": "true"}

    def __init__(self) -> None:
        self.client = MastodonClient()

    # --- helpers ------------------------------------------------------------------------
    @staticmethod
    def server(account) -> type[MastodonServer]:
        return server_for(account.settings.get("software", "mastodon"))

    @staticmethod
    def _base(account) -> str:
        url = account.settings.get("instance_url")
        if not url:
            raise Rejected(_("This account has no server address; please reconnect it."))
        return url

    def _idempotency_headers(self, account, key: str) -> dict:
        if key and self.server(account).honours_idempotency_key:
            return {"Idempotency-Key": idempotency_header(account, key)}
        return {}

    @staticmethod
    def _comparable(text: str) -> str:
        """Text as Mastodon renders it back: remote mentions show as @user only."""
        from lib.counting import MASTODON_MENTION

        return normalise_for_match(MASTODON_MENTION.sub(lambda m: m.group(1), text or ""))

    # --- connecting ---------------------------------------------------------------------
    def connect_start(self, *, redirect_uri: str, form_data: dict | None = None,
                      organization=None) -> ConnectStart:
        return connect.start(self.client, redirect_uri=redirect_uri, form_data=form_data)

    def connect_complete(self, *, redirect_uri: str, state: dict, params: dict,
                         organization=None) -> ConnectResult:
        return connect.complete(self.client, redirect_uri=redirect_uri, state=state,
                                params=params)

    def setup_help(self, *, redirect_uri: str):
        return _setup_help(redirect_uri)

    def check_setup(self, *, redirect_uri: str, organization=None):
        """No credentials to test; the callback address must be one a browser can return to."""
        from urllib.parse import urlsplit

        from platforms.base import SetupCheck

        parts = urlsplit(redirect_uri)
        if parts.scheme == "https" or parts.hostname in ("127.0.0.1", "localhost", "::1"):
            return [SetupCheck("ok", _("No developer app is needed. Each Mastodon server is "
                                       "registered automatically on the first connect."))]
        return [SetupCheck("warning", _("The callback address %(uri)s is not https: many "
                                        "Mastodon servers and browsers will refuse it. Set "
                                        "SITE_URL to this installation's https address.")
                           % {"uri": redirect_uri})]

    def refresh(self, account) -> Tokens | None:
        """Only Akkoma/Pleroma hand out refresh tokens; Mastodon tokens live until revoked."""
        if not account.has_refresh_token or not account.settings.get("token_endpoint"):
            return None
        from lib.crypto import decrypt

        data = self.client.json("POST", account.settings["token_endpoint"], data={
            "grant_type": "refresh_token", "refresh_token": account.get_refresh_token(),
            "client_id": account.settings.get("client_id", ""),
            "client_secret": decrypt(account.settings.get("client_secret", "")),
        })
        return connect.tokens_from(data)

    # --- limits -------------------------------------------------------------------------
    def limits(self, account) -> Limits:
        url = self._base(account)
        key = f"mastodon:config:{hashlib.sha256(url.encode()).hexdigest()[:32]}"
        configuration = cache.get(key)
        if configuration == UNAVAILABLE:
            configuration = None
        elif configuration is None:
            try:
                configuration = fetch_instance(url, self.client).configuration
                cache.set(key, configuration, LIMITS_CACHE_SECONDS)
            except ProviderError:
                # Asked again in a while, not for each account of a page nor on every page.
                cache.set(key, UNAVAILABLE, UNAVAILABLE_SECONDS)
                configuration = None
        if configuration is None:
            # The server is down right now: the snapshot taken when connecting will do.
            configuration = account.settings.get("configuration") or {}
        return limits_from_configuration(configuration, self.server(account))

    # --- publishing ---------------------------------------------------------------------
    def edit(self, account, remote_id: str, request: PublishRequest) -> RemotePost:
        """`PUT /api/v1/statuses/:id` with the new `status` and `media_ids`: the media are
        uploaded again with their alt text (`description`), so the edited status carries
        exactly the files and descriptions of the request; no media removes them."""
        media_ids = [self._upload(account, item) for item in request.media]
        data = self._call(account, "PUT", f"/api/v1/statuses/{remote_id}",
                          json={"status": request.text, "media_ids": media_ids})
        return remote_post(data)

    # --- analytics ----------------------------------------------------------------------
    def fetch_post_metrics(self, account, remote_ids: list[str]) -> list[PostMetrics]:
        """Counts per status; deleted statuses are left out. No impressions on Mastodon."""
        now, results = timezone.now(), []
        for remote_id in remote_ids:
            try:
                data = self._call(account, "GET", f"/api/v1/statuses/{remote_id}")
            except Rejected as exc:
                if exc.status == 404:
                    continue
                raise
            if isinstance(data, dict):
                results.append(PostMetrics(remote_id=remote_id, fetched_at=now,
                                           values=metric_values(data, STATUS_METRICS)))
        return results


def idempotency_header(account, key: str) -> str:
    """Stable per (account, key): a retry sends the same value, another account never does."""
    digest = hashlib.sha256(f"{account.pk}:{key}".encode()).hexdigest()
    return f"socialmgr-{digest[:40]}"


def _setup_help(redirect_uri: str):
    from platforms.base import SetupHelp
    from platforms.mastodon.apps import GRANULAR_SCOPES

    return SetupHelp(
        redirect_uri=redirect_uri,
        scopes=tuple(GRANULAR_SCOPES.split()),
        steps=(
            _("Nothing to register: socialmgr registers itself as an app on each Mastodon "
              "server the first time someone connects an account there."),
            _("Connecting asks for the server's address (for example mastodon.social) and "
              "then sends you to that server to sign in and allow access."),
        ),
        needs_credentials=False,
    )
