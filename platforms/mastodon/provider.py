"""The Mastodon provider: Mastodon and every server speaking its client API.

Per-server differences (idempotency, defaults, counting) come from the account's server
flavour (`servers.py`); everything else is the documented Mastodon API:
statuses, media v2 with async processing, notifications, accounts.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

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
    RemotePost,
    Tokens,
)
from platforms.errors import ProviderError, Rejected, Transient
from platforms.http import pick
from platforms.mastodon import connect
from platforms.mastodon.client import MastodonClient
from platforms.mastodon.entities import (
    ACCOUNT_METRICS,
    STATUS_METRICS,
    inbox_entry,
    metric_values,
    remote_post,
    status_text,
)
from platforms.mastodon.instance import fetch_instance, limits_from_configuration
from platforms.mastodon.links import link_param
from platforms.mastodon.servers import MastodonServer, server_for
from platforms.mastodon.text import normalise_for_match

LIMITS_CACHE_SECONDS = 60 * 60
INBOX_PAGE_SIZE = 40
RECENT_STATUSES = 40


class MastodonProvider(Provider):
    key = "mastodon"
    name = "Mastodon"
    connect_kind = "instance"
    supports_idempotency_key = True  # where the server honours it; find_published otherwise
    supports_find_published = True
    supports_threads = True
    supports_edit = True  # PUT /api/v1/statuses/:id (Mastodon 3.5+)
    supports_first_comment = True  # a self-reply

    # Async media: poll GET /api/v1/media/:id until `url` is set, within this budget.
    media_poll_interval = 1.0
    media_poll_attempts = 60

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

    def _call(self, account, method: str, path: str, **kwargs):
        return self.client.json(method, f"{self._base(account)}{path}",
                                token=account.get_access_token(), **kwargs)

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
        if configuration is None:
            try:
                configuration = fetch_instance(url, self.client).configuration
                cache.set(key, configuration, LIMITS_CACHE_SECONDS)
            except ProviderError:
                # The server is down right now: the snapshot taken when connecting will do.
                configuration = account.settings.get("configuration") or {}
        return limits_from_configuration(configuration, self.server(account))

    # --- publishing ---------------------------------------------------------------------
    def publish(self, account, request: PublishRequest) -> RemotePost:
        media_ids = [self._upload(account, item) for item in request.media]
        return self._post_status(account, request.text, media_ids=media_ids,
                                 reply_to=request.reply_to,
                                 idempotency_key=request.idempotency_key)

    def edit(self, account, remote_id: str, request: PublishRequest) -> RemotePost:
        """`PUT /api/v1/statuses/:id` with the new `status` and `media_ids`: the media are
        uploaded again with their alt text (`description`), so the edited status carries
        exactly the files and descriptions of the request; no media removes them."""
        media_ids = [self._upload(account, item) for item in request.media]
        data = self._call(account, "PUT", f"/api/v1/statuses/{remote_id}",
                          json={"status": request.text, "media_ids": media_ids})
        return remote_post(data)

    def _post_status(self, account, text: str, *, media_ids=(), reply_to: str = "",
                     idempotency_key: str = "", visibility: str = "") -> RemotePost:
        body: dict = {"status": text}
        if media_ids:
            body["media_ids"] = list(media_ids)
        if reply_to:
            body["in_reply_to_id"] = reply_to
        if visibility:
            body["visibility"] = visibility
        headers = {}
        if idempotency_key and self.server(account).honours_idempotency_key:
            headers["Idempotency-Key"] = idempotency_header(account, idempotency_key)
        data = self._call(account, "POST", "/api/v1/statuses", json=body, headers=headers)
        return remote_post(data)

    def _upload(self, account, item: MediaFile) -> str:
        """POST /api/v2/media with the alt text; wait for async processing (202 → 206 → 200)."""
        stream = item.open()
        try:
            response = self.client.request(
                "POST", f"{self._base(account)}/api/v2/media", token=account.get_access_token(),
                files={"file": (item.filename, stream, item.content_type)},
                data={"description": item.alt_text or ""},
                timeout=(5.0, 120.0),
            )
        finally:
            stream.close()
        data = _json(response)
        media_id = pick(data, "id", str, what="Mastodon media attachment")
        if response.status_code == 200 and data.get("url"):
            return media_id
        return self._wait_for_media(account, media_id)

    def _wait_for_media(self, account, media_id: str) -> str:
        for _attempt in range(self.media_poll_attempts):
            response = self.client.request(
                "GET", f"{self._base(account)}/api/v1/media/{media_id}",
                token=account.get_access_token(), ok=(206,))
            if response.status_code == 200 and _json(response).get("url"):
                return media_id
            time.sleep(self.media_poll_interval)
        raise Transient(_("The server is still processing the uploaded media; trying again "
                          "later."))

    def find_published(self, account, request: PublishRequest) -> RemotePost | None:
        """Our status among the account's recent ones, matched on text and reply parent."""
        statuses = self._call(account, "GET",
                              f"/api/v1/accounts/{account.settings['account_id']}/statuses",
                              params={"limit": RECENT_STATUSES, "exclude_reblogs": "true"})
        wanted = _comparable(request.text)
        for status in statuses if isinstance(statuses, list) else []:
            if not isinstance(status, dict):
                continue
            same_parent = (status.get("in_reply_to_id") or "") == (request.reply_to or "")
            if same_parent and _comparable(status_text(status)) == wanted:
                return remote_post(status)
        return None

    def delete(self, account, remote_id: str) -> None:
        try:
            self._call(account, "DELETE", f"/api/v1/statuses/{remote_id}")
        except Rejected as exc:
            if exc.status != 404:  # already gone is what we wanted
                raise

    # --- conversations ------------------------------------------------------------------
    def fetch_inbox(self, account, cursor: str = "") -> InboxPage:
        """Mentions (and replies to us) after `cursor`, oldest first.

        The cursor is the newest notification id seen; `min_id` returns the page directly
        after it, so repeated calls walk forward without gaps. The next cursor comes from
        the `Link: rel="prev"` header (Mastodon's pointer to newer items).
        """
        params: dict = {"types[]": "mention", "limit": INBOX_PAGE_SIZE}
        if cursor:
            params["min_id"] = cursor
        response = self.client.request(
            "GET", f"{self._base(account)}/api/v1/notifications",
            token=account.get_access_token(), params=params)
        notifications = _json(response)
        if not isinstance(notifications, list):
            raise Transient("unexpected Mastodon notifications: not a list")
        own_id = str(account.settings.get("account_id", ""))
        items, newest = [], cursor
        for notification in notifications:
            if not isinstance(notification, dict) or notification.get("type") != "mention":
                continue
            if not isinstance(notification.get("status"), dict):
                continue  # the status was deleted since
            items.append(inbox_entry(notification, own_account_id=own_id))
            newest = _max_id(newest, str(notification.get("id", "")))
        next_cursor = link_param(response.headers.get("Link", ""), "prev", "min_id") or newest
        items.sort(key=lambda entry: (entry.created_at, entry.remote_id))
        return InboxPage(items=items, cursor=next_cursor or cursor)

    def reply(self, account, entry_remote_id: str, text: str, *,
              idempotency_key: str = "") -> RemotePost:
        """Threaded reply; mentions the author (so they are notified) and keeps the
        parent's narrower visibility, as Mastodon's own clients do."""
        parent = self._call(account, "GET", f"/api/v1/statuses/{entry_remote_id}")
        author = pick(parent, "account.acct", str, what="Mastodon status")
        own = f"@{account.settings.get('domain', '')}"
        mention = f"@{author}"
        if not author.endswith(own) and mention.lower() not in text.lower():
            text = f"{mention} {text}"
        visibility = str(parent.get("visibility", ""))
        return self._post_status(
            account, text, reply_to=entry_remote_id, idempotency_key=idempotency_key,
            visibility=visibility if visibility in ("unlisted", "private", "direct") else "")

    def search(self, account, query: str, cursor: str = "") -> InboxPage:
        """Listening: a hashtag timeline ("#tag" or one word), else status search."""
        from platforms.mastodon.search import search_statuses

        return search_statuses(
            lambda method, url, **kw: self.client.request(
                method, url, token=account.get_access_token(), **kw),
            self._base(account), query, cursor, bare_word_is_tag=True)

    # --- analytics ----------------------------------------------------------------------
    def fetch_account_metrics(self, account) -> AccountMetrics:
        data = self._call(account, "GET", "/api/v1/accounts/verify_credentials")
        if not isinstance(data, dict):
            raise Transient("unexpected Mastodon account: not an object")
        return AccountMetrics(fetched_at=timezone.now(),
                              values=metric_values(data, ACCOUNT_METRICS))

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


def _comparable(text: str) -> str:
    """Text as Mastodon renders it back: remote mentions show as @user only."""
    from lib.counting import MASTODON_MENTION

    return normalise_for_match(MASTODON_MENTION.sub(lambda m: m.group(1), text or ""))


def _max_id(a: str, b: str) -> str:
    """The newer of two ids (numeric snowflakes on Mastodon, sortable strings elsewhere)."""
    if not a:
        return b
    if not b:
        return a
    if a.isdigit() and b.isdigit():
        return a if int(a) >= int(b) else b
    return max(a, b, key=lambda v: (len(v), v))


def _json(response):
    try:
        return response.json()
    except ValueError:
        raise Transient("the Mastodon server answered with something that is not JSON") from None


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
