"""The Mastodon client API as one provider family: Mastodon itself and the sandbox.

`MastodonCompatibleProvider` holds everything that is the documented Mastodon API and the
same on every server that speaks it: statuses (publishing, threads, replies, the
self-reply first comment), media v2 with async processing, finding a status after a lost
answer, deleting, mention notifications for the inbox, listening, account metrics.

A subclass says where its server is and what differs:
- `_base(account)`: the server's address; `client`: the HTTP client (its error shapes).
- `_idempotency_headers()`: whether and how the `Idempotency-Key` header is sent.
- `echoes_idempotency_key`: the server returns the key on each status, so a lost answer
  is found by the key instead of by text and parent; `find_pages`, `find_params`: how far
  `find_published` looks.
- `inbox_from_start`: the first poll reads the notifications from the oldest, not only
  the newest page; `bare_word_is_tag`: a single listening word is a hashtag.
- `_own_account_id()`: our account's id on the server (a status we answer by that id is
  ours: no mention then; anyone else, local or remote, is mentioned by `@acct`).
- connecting, limits and post metrics, which differ per server.
"""

from __future__ import annotations

import re
import time
from abc import abstractmethod
from typing import TYPE_CHECKING, ClassVar

from django.utils import timezone
from django.utils.translation import gettext as _

from platforms.base import (
    AccountMetrics,
    InboxPage,
    MediaFile,
    Provider,
    PublishRequest,
    RemotePost,
)
from platforms.errors import Rejected, Transient
from platforms.http import HttpClient, pick
from platforms.mastodon.entities import (
    ACCOUNT_METRICS,
    inbox_entry,
    metric_values,
    remote_post,
    status_text,
)
from platforms.mastodon.links import link_param
from platforms.mastodon.search import search_statuses
from platforms.mastodon.text import normalise_for_match

if TYPE_CHECKING:
    import requests

    from accounts.models import ConnectedAccount

PAGE_SIZE = 40  # statuses and notifications per call (Mastodon's maximum for both)


class MastodonCompatibleProvider(Provider):
    supports_idempotency_key: ClassVar[bool] = True
    supports_find_published: ClassVar[bool] = True
    supports_threads: ClassVar[bool] = True
    supports_first_comment: ClassVar[bool] = True  # a self-reply

    # Async media: poll GET /api/v1/media/:id until `url` is set, within this budget.
    media_poll_interval: ClassVar[float] = 1.0
    media_poll_attempts: ClassVar[int] = 60
    # find_published reads this many pages of the account's newest statuses.
    find_pages: ClassVar[int] = 1
    find_params: ClassVar[dict] = {}
    echoes_idempotency_key: ClassVar[bool] = False
    inbox_from_start: ClassVar[bool] = False
    bare_word_is_tag: ClassVar[bool] = True

    client: HttpClient

    # --- what a subclass says ------------------------------------------------------------
    @abstractmethod
    def _base(self, account: ConnectedAccount) -> str:
        """The server's address, without a trailing slash."""

    def _idempotency_headers(self, account: ConnectedAccount, key: str) -> dict:
        return {"Idempotency-Key": key} if key else {}

    def _is_own_author(self, account: ConnectedAccount, parent: dict) -> bool:
        """Whether the status being answered is the account's own: by account id. `acct`
        cannot tell: Mastodon gives a local account as `user`, other servers qualify it
        (`user@domain`), so a neighbour on the same server looks like us by domain."""
        return pick(parent, "account.id", str, what=f"{self.name} status") \
            == self._own_account_id(account)

    # --- calling -------------------------------------------------------------------------
    def _call(self, account: ConnectedAccount, method: str, path: str, **kwargs):
        return self.client.json(method, f"{self._base(account)}{path}",
                                token=account.get_access_token(), **kwargs)

    def _request(self, account: ConnectedAccount, method: str, path: str,
                 **kwargs) -> requests.Response:
        return self.client.request(method, f"{self._base(account)}{path}",
                                   token=account.get_access_token(), **kwargs)

    def _json(self, response: requests.Response):
        try:
            return response.json()
        except ValueError:
            raise Transient(f"{self.name} answered with something that is not JSON") from None

    def _own_account_id(self, account: ConnectedAccount) -> str:
        account_id = str((account.settings or {}).get("account_id") or "")
        if not account_id:
            raise Rejected(_("This account is missing its id on %(platform)s; please "
                             "reconnect it.") % {"platform": self.name})
        return account_id

    # --- publishing ----------------------------------------------------------------------
    def publish(self, account: ConnectedAccount, request: PublishRequest) -> RemotePost:
        media_ids = [self._upload(account, item) for item in request.media]
        return self._post_status(account, request.text, media_ids=media_ids,
                                 reply_to=request.reply_to,
                                 idempotency_key=request.idempotency_key)

    def _post_status(self, account: ConnectedAccount, text: str, *, media_ids=(),
                     reply_to: str = "", idempotency_key: str = "",
                     visibility: str = "") -> RemotePost:
        body: dict = {"status": text}
        if media_ids:
            body["media_ids"] = list(media_ids)
        if reply_to:
            body["in_reply_to_id"] = reply_to
        if visibility:
            body["visibility"] = visibility
        headers = self._idempotency_headers(account, idempotency_key)
        return remote_post(self._call(account, "POST", "/api/v1/statuses", json=body,
                                      headers=headers))

    def _upload(self, account: ConnectedAccount, item: MediaFile) -> str:
        """POST /api/v2/media with the alt text; wait for async processing (202 → 206 → 200)."""
        stream = item.open()
        try:
            response = self._request(
                account, "POST", "/api/v2/media",
                files={"file": (item.filename, stream, item.content_type)},
                data={"description": item.alt_text or ""}, timeout=(5.0, 120.0))
        finally:
            stream.close()
        data = self._json(response)
        media_id = pick(data, "id", str, what=f"{self.name} media attachment")
        if response.status_code == 200 and data.get("url"):
            return media_id
        return self._wait_for_media(account, media_id)

    def _wait_for_media(self, account: ConnectedAccount, media_id: str) -> str:
        for _attempt in range(self.media_poll_attempts):
            response = self._request(account, "GET", f"/api/v1/media/{media_id}", ok=(206,))
            if response.status_code == 200 and self._json(response).get("url"):
                return media_id
            time.sleep(self.media_poll_interval)
        raise Transient(_("The server is still processing the uploaded media; trying again "
                          "later."))

    def find_published(self, account: ConnectedAccount,
                       request: PublishRequest) -> RemotePost | None:
        """Our status among the account's newest ones: by the echoed idempotency key where
        the server has one, else by text and reply parent. An answer that is not a list of
        statuses is Transient (we cannot tell), never "not published"."""
        path = f"/api/v1/accounts/{self._own_account_id(account)}/statuses"
        params: dict = {"limit": PAGE_SIZE, **self.find_params}
        wanted = self._comparable(request.text)
        for page in range(self.find_pages):
            statuses = self._call(account, "GET", path, params=params)
            if not isinstance(statuses, list):
                raise Transient(f"unexpected {self.name} statuses: not a list")
            for status in statuses:
                if isinstance(status, dict) and self._is_ours(status, request, wanted):
                    return remote_post(status)
            if len(statuses) < PAGE_SIZE or page + 1 == self.find_pages:
                return None
            params["max_id"] = pick(statuses[-1], "id", str, what=f"{self.name} status")
        return None

    def _is_ours(self, status: dict, request: PublishRequest, wanted_text: str) -> bool:
        if self.echoes_idempotency_key and request.idempotency_key:
            return status.get("idempotency_key") == request.idempotency_key
        same_parent = (status.get("in_reply_to_id") or "") == (request.reply_to or "")
        return same_parent and self._comparable(status_text(status)) == wanted_text

    @staticmethod
    def _comparable(text: str) -> str:
        """Text as the server renders it back, for matching our own status."""
        return normalise_for_match(text or "")

    def delete(self, account: ConnectedAccount, remote_id: str) -> None:
        try:
            self._call(account, "DELETE", f"/api/v1/statuses/{remote_id}")
        except Rejected as exc:
            if exc.status != 404:  # already gone is what we wanted
                raise

    # --- conversations -------------------------------------------------------------------
    def fetch_inbox(self, account: ConnectedAccount, cursor: str = "") -> InboxPage:
        """Mentions (and replies to us) after `cursor`, oldest first.

        The cursor is the newest notification id seen; `min_id` returns the page directly
        after it, so repeated calls walk forward without gaps. The next cursor comes from
        the `Link: rel="prev"` header (Mastodon's pointer to newer items).
        """
        params: dict = {"types[]": "mention", "limit": PAGE_SIZE}
        if cursor or self.inbox_from_start:
            params["min_id"] = cursor or "0"
        response = self._request(account, "GET", "/api/v1/notifications", params=params)
        notifications = self._json(response)
        if not isinstance(notifications, list):
            raise Transient(f"unexpected {self.name} notifications: not a list")
        own_id = self._own_account_id(account)
        items, newest = [], cursor
        for notification in notifications:
            if not isinstance(notification, dict) or notification.get("type") != "mention":
                continue
            if not isinstance(notification.get("status"), dict):
                continue  # the status was deleted since
            items.append(inbox_entry(notification, own_account_id=own_id))
            newest = newer_id(newest, str(notification.get("id", "")))
        next_cursor = link_param(response.headers.get("Link", ""), "prev", "min_id") or newest
        items.sort(key=lambda entry: (entry.created_at, entry.remote_id))
        return InboxPage(items=items, cursor=next_cursor or cursor)

    def reply(self, account: ConnectedAccount, entry_remote_id: str, text: str, *,
              idempotency_key: str = "") -> RemotePost:
        """Threaded reply; mentions the author (so they are notified) and keeps the
        parent's narrower visibility, as Mastodon's own clients do."""
        parent = self._call(account, "GET", f"/api/v1/statuses/{entry_remote_id}")
        author = pick(parent, "account.acct", str, what=f"{self.name} status")
        # `acct` is `user` for someone on our own server and `user@domain` for anyone else:
        # either is how the server resolves the mention.
        mention = f"@{author}"
        if not self._is_own_author(account, parent) and not _mentions(text, mention):
            text = f"{mention} {text}"
        visibility = str(parent.get("visibility", ""))
        return self._post_status(
            account, text, reply_to=entry_remote_id, idempotency_key=idempotency_key,
            visibility=visibility if visibility in ("unlisted", "private", "direct") else "")

    def search(self, account: ConnectedAccount, query: str, cursor: str = "") -> InboxPage:
        """Listening: a hashtag timeline ("#tag", or one word where `bare_word_is_tag`),
        else status search."""
        return search_statuses(
            lambda method, url, **kw: self.client.request(
                method, url, token=account.get_access_token(), **kw),
            self._base(account), query, cursor, bare_word_is_tag=self.bare_word_is_tag)

    # --- analytics -----------------------------------------------------------------------
    def fetch_account_metrics(self, account: ConnectedAccount) -> AccountMetrics:
        data = self._call(account, "GET", "/api/v1/accounts/verify_credentials")
        if not isinstance(data, dict):
            raise Transient(f"unexpected {self.name} account: not an object")
        return AccountMetrics(fetched_at=timezone.now(),
                              values=metric_values(data, ACCOUNT_METRICS))


def _mentions(text: str, mention: str) -> bool:
    """Whether `text` already names `mention` (`@bob` is not in `@bobby` or `@bob@other`)."""
    return re.search(rf"(?<![\w@]){re.escape(mention)}(?![\w@])", text, re.IGNORECASE) \
        is not None


def newer_id(a: str, b: str) -> str:
    """The newer of two ids (numeric snowflakes on Mastodon, sortable strings elsewhere)."""
    if not a:
        return b
    if not b:
        return a
    if a.isdigit() and b.isdigit():
        return a if int(a) >= int(b) else b
    return max(a, b, key=lambda v: (len(v), v))
