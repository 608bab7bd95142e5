"""What the Facebook Page and Instagram providers share.

Both are the Graph API with the same shapes under different names: connecting through
Facebook Login, calling with appsecret_proof, finding a post after a lost answer,
the first comment and replies, the comments inbox, account and post metrics. A network
names its vocabulary (`posts_edge`, `post_text_field`, `reply_edge` …) and keeps only
what is its own: which accounts a login offers, publishing, limits, what a comment looks
like (`_comment_entries`) and where posts and comments link to.
"""

from __future__ import annotations

import datetime as dt
from abc import abstractmethod
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from platforms.base import (
    AccountMetrics,
    ConnectResult,
    ConnectStart,
    InboxEntry,
    InboxPage,
    MetricValue,
    PostMetrics,
    Provider,
    PublishRequest,
    RemotePost,
    SetupCheck,
    SetupHelp,
)
from platforms.errors import AuthExpired, Rejected
from platforms.http import pick
from platforms.meta import login, setup
from platforms.meta.graph import GraphClient, appsecret_proof, graph_delete, graph_url

if TYPE_CHECKING:
    from accounts.models import ConnectedAccount


class MetaProvider(Provider):
    """Graph API plumbing; subclasses say which accounts a login offers (`_choices`)."""

    connect_kind: ClassVar[str] = "oauth"
    supports_find_published: ClassVar[bool] = True
    platform: ClassVar[str] = "Facebook"

    # The network's Graph vocabulary: where its posts are and what their fields are called.
    posts_edge: ClassVar[str] = "feed"  # /{account}/feed, /{ig-user}/media
    post_text_field: ClassVar[str] = "message"
    post_time_field: ClassVar[str] = "created_time"
    post_link_field: ClassVar[str] = "permalink_url"
    comment_text_field: ClassVar[str] = "message"
    comment_time_field: ClassVar[str] = "created_time"
    reply_edge: ClassVar[str] = "comments"  # where an answer to a comment goes
    inbox_fields: ClassVar[str] = ""  # the posts' fields with their comments, for the inbox
    own_comments_params: ClassVar[dict] = {}  # reading a post's comments to find our own
    # (metric, dotted field) pairs; a field missing from the answer is absent, never zero.
    account_metric_fields: ClassVar[tuple[tuple[str, str], ...]] = ()
    post_metric_query: ClassVar[str] = ""
    post_metric_fields: ClassVar[tuple[tuple[str, str], ...]] = ()

    def __init__(self) -> None:
        self.client = GraphClient(self.platform)

    # --- connecting ---------------------------------------------------------------------
    def connect_start(self, *, redirect_uri: str, form_data: dict | None = None,
                      organization=None) -> ConnectStart:
        credentials = login.app_credentials(organization)
        if not credentials.configured:
            raise Rejected(_("No Meta app is configured yet. Enter the app ID and secret "
                             "in the platform settings first."))
        state = login.oauth2.new_state()
        url = login.dialog_url(redirect_uri=redirect_uri, state=state, credentials=credentials)
        return ConnectStart(redirect_url=url, state={"state": state})

    def connect_complete(self, *, redirect_uri: str, state: dict, params: dict,
                         organization=None) -> ConnectResult:
        code = login.check_callback(state=state, params=params)
        credentials = login.app_credentials(organization)
        user_token, expires_at = login.exchange_code(
            self.client, code=code, redirect_uri=redirect_uri, credentials=credentials)
        pages = login.list_pages(self.client, user_token=user_token)
        choices = self._choices(pages, user_expires_at=expires_at)
        if not choices:
            raise Rejected(self._nothing_to_connect_message())
        first = choices[0]
        return ConnectResult(account=first.account, tokens=first.tokens,
                             settings=first.settings, choices=choices, label=first.label)

    def setup_help(self, *, redirect_uri: str) -> SetupHelp | None:
        return setup.setup_help(redirect_uri=redirect_uri, instagram=self.key == "instagram")

    def check_setup(self, *, redirect_uri: str, organization=None) -> list[SetupCheck]:
        return setup.check_setup(redirect_uri=redirect_uri, organization=organization,
                                 instagram=self.key == "instagram")

    @abstractmethod
    def _choices(self, pages: list[login.Page], *,
                 user_expires_at: dt.datetime | None) -> list[ConnectResult]:
        """The connectable accounts (Facebook pages, or their Instagram accounts)."""

    @abstractmethod
    def _nothing_to_connect_message(self) -> str:
        """What to tell the admin when the login offers nothing to connect."""

    @abstractmethod
    def post_url(self, post_id: str) -> str:
        """Where a post lives when the answer carries no permalink."""

    @abstractmethod
    def comment_url(self, comment_id: str) -> str:
        """Where a comment lives when the answer carries no permalink."""

    @abstractmethod
    def _is_own_comment(self, account: ConnectedAccount, row: dict) -> bool:
        """Whether a comment row was written by the account itself."""

    @abstractmethod
    def _comment_entries(self, account: ConnectedAccount,
                         posts: list) -> Iterable[InboxEntry]:
        """The inbox entries in the comments of the posts `inbox_fields` returned."""

    # --- calling ------------------------------------------------------------------------
    def call(self, account: ConnectedAccount, method: str, path: str, *,
             params: dict | None = None, data: dict | None = None, **kwargs) -> Any:
        """One Graph API call with the account's token (and appsecret_proof when we can)."""
        token = account.get_access_token()
        if not token:
            raise AuthExpired(_("This account has no access token; please reconnect it."))
        params = dict(params or {})
        secret = login.app_credentials(account.organization).app_secret
        if secret:
            params["appsecret_proof"] = appsecret_proof(token, secret)
        url = path if path.startswith("https://") else graph_url(path)
        return self.client.json(method, url, token=token, params=params, data=data, **kwargs)

    def delete(self, account: ConnectedAccount, remote_id: str) -> None:
        graph_delete(self.call, account, remote_id, self.platform)

    # --- finding what went out ---------------------------------------------------------
    def find_published(self, account: ConnectedAccount,
                       request: PublishRequest) -> RemotePost | None:
        """The account's recent posts, matched on the text (Meta has no idempotency key)."""
        fields = f"id,{self.post_text_field},{self.post_time_field},{self.post_link_field}"
        data = self.call(account, "GET", f"{account.external_id}/{self.posts_edge}",
                         params={"fields": fields, "limit": 25})
        for row in pick(data, "data", list, what=f"{self.platform} posts"):
            if isinstance(row, dict) and (row.get(self.post_text_field) or "") == request.text:
                post_id = pick(row, "id", str, what=f"{self.platform} post")
                return RemotePost(id=post_id,
                                  url=str(row.get(self.post_link_field) or self.post_url(post_id)),
                                  published_at=parse_time(row.get(self.post_time_field)))
        return None

    # --- comments and replies ----------------------------------------------------------
    def comment(self, account: ConnectedAccount, request: PublishRequest) -> RemotePost:
        """The first comment, as the account: `POST /{post-id}/comments` with `message`."""
        answer = self.call(account, "POST", f"{request.reply_to}/comments",
                           data={"message": request.text})
        return self._sent_comment(answer)

    def find_comment(self, account: ConnectedAccount,
                     request: PublishRequest) -> RemotePost | None:
        """The account's own comment with this text under the post, if it went out."""
        data = self.call(account, "GET", f"{request.reply_to}/comments",
                         params=self.own_comments_params)
        for row in pick(data, "data", list, what=f"{self.platform} comments"):
            if isinstance(row, dict) and self._is_own_comment(account, row) \
                    and (row.get(self.comment_text_field) or "") == request.text:
                comment_id = pick(row, "id", str, what=f"{self.platform} comment")
                return RemotePost(id=comment_id,
                                  url=str(row.get("permalink_url")
                                          or self.comment_url(comment_id)),
                                  published_at=parse_time(row.get(self.comment_time_field)))
        return None

    def reply(self, account: ConnectedAccount, entry_remote_id: str, text: str,
              *, idempotency_key: str = "") -> RemotePost:
        """An answer under the comment (`/{comment-id}/{reply_edge}`), as the account."""
        answer = self.call(account, "POST", f"{entry_remote_id}/{self.reply_edge}",
                           data={"message": text})
        return self._sent_comment(answer)

    def _sent_comment(self, answer: Any) -> RemotePost:
        comment_id = pick(answer, "id", str, what=f"{self.platform} comment answer")
        return RemotePost(id=comment_id, url=self.comment_url(comment_id),
                          published_at=timezone.now())

    # --- conversations ------------------------------------------------------------------
    def fetch_inbox(self, account: ConnectedAccount, cursor: str = "") -> InboxPage:
        """Comments and replies on the recent posts, newer than `cursor` (an ISO timestamp)."""
        since = cursor_time(cursor)
        data = self.call(account, "GET", f"{account.external_id}/{self.posts_edge}",
                         params={"fields": self.inbox_fields, "limit": 25})
        posts = pick(data, "data", list, what=f"{self.platform} posts")
        entries = [entry for entry in self._comment_entries(account, posts)
                   if since is None or entry.created_at > since]
        entries.sort(key=lambda e: e.created_at)
        newest = entries[-1].created_at.isoformat() if entries else cursor
        return InboxPage(items=entries, cursor=newest or "")

    # --- analytics ----------------------------------------------------------------------
    def fetch_account_metrics(self, account: ConnectedAccount) -> AccountMetrics:
        fields = ",".join(field for _name, field in self.account_metric_fields)
        data = self.call(account, "GET", account.external_id, params={"fields": fields})
        return AccountMetrics(fetched_at=timezone.now(),
                              values=self._metric_values(data, self.account_metric_fields))

    def fetch_post_metrics(self, account: ConnectedAccount,
                           remote_ids: list[str]) -> list[PostMetrics]:
        result = []
        for remote_id in remote_ids:
            data = self.call(account, "GET", remote_id,
                             params={"fields": self.post_metric_query})
            values = self._metric_values(data, self.post_metric_fields)
            values.update(self._more_post_metrics(account, remote_id))
            result.append(PostMetrics(remote_id=remote_id, fetched_at=timezone.now(),
                                      values=values))
        return result

    def _more_post_metrics(self, account: ConnectedAccount,
                           remote_id: str) -> dict[str, MetricValue]:
        """Counts a network reads from elsewhere (Instagram's insights)."""
        return {}

    def _metric_values(self, data: Any, fields) -> dict[str, MetricValue]:
        values = {}
        for name, path in fields:
            value = pick(data, path, int, what=f"{self.platform} metrics", default=None)
            if value is not None:
                values[name] = MetricValue(value, path)
        return values


def parse_time(value: Any) -> dt.datetime | None:
    """Graph timestamps: ISO 8601 with `+0000` offsets, or Unix seconds (webhooks)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(value, tz=dt.UTC)
    if not isinstance(value, str) or not value:
        return None
    text = value
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"  # +0000 → +00:00
    parsed = parse_datetime(text)
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def cursor_time(cursor: str) -> dt.datetime | None:
    return parse_time(cursor) if cursor else None
