"""The Threads provider: connecting, publishing, replies, the inbox and insights.

Each concern lives in its own module (connect, setup, publishing, replies, insights);
this class holds the calling convention and answers the contract with them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.core.cache import cache
from django.utils.translation import gettext as _

from platforms import oauth2
from platforms.base import (
    AccountMetrics,
    ConnectResult,
    ConnectStart,
    InboxPage,
    Limits,
    PostMetrics,
    Provider,
    PublishingQuota,
    PublishRequest,
    RemotePost,
    SetupCheck,
    SetupHelp,
    Tokens,
)
from platforms.errors import AuthExpired, Rejected
from platforms.meta.graph import graph_delete
from platforms.threads import connect, insights, publishing, replies, setup
from platforms.threads.client import ThreadsClient, api_url

if TYPE_CHECKING:
    from accounts.models import ConnectedAccount

IMAGE_TYPES = ("image/jpeg", "image/png")
VIDEO_TYPES = ("video/mp4", "video/quicktime")


class ThreadsProvider(Provider):
    key = "threads"
    name = "Threads"
    connect_kind: ClassVar[str] = "oauth"
    supports_find_published: ClassVar[bool] = True
    # Each further part, and the first comment, is a reply (`reply_to_id`) to the part before.
    supports_threads: ClassVar[bool] = True
    supports_first_comment: ClassVar[bool] = True
    refresh_ahead = connect.REFRESH_AHEAD
    # manage_reply hides top-level replies only (their answers go with them).
    hide_kinds = frozenset({"comment"})

    def __init__(self) -> None:
        self.client = ThreadsClient()

    # --- connecting ---------------------------------------------------------------------
    def connect_start(self, *, redirect_uri: str, form_data: dict | None = None,
                      organization=None) -> ConnectStart:
        credentials = connect.app_credentials(organization)
        if not credentials.configured:
            raise Rejected(_("No Threads app is configured yet. Enter the Threads app ID and "
                             "secret in the platform settings first."))
        state = oauth2.new_state()
        return ConnectStart(redirect_url=connect.authorize_url(
            app_id=credentials.app_id, redirect_uri=redirect_uri, state=state),
            state={"state": state})

    def connect_complete(self, *, redirect_uri: str, state: dict, params: dict,
                         organization=None) -> ConnectResult:
        code = connect.check_callback(state=state, params=params)
        tokens = connect.exchange_code(self.client, code=code, redirect_uri=redirect_uri,
                                       credentials=connect.app_credentials(organization))
        return connect.profile_choice(self.client, tokens)

    def refresh(self, account: ConnectedAccount) -> Tokens | None:
        """A long-lived token renews itself for another 60 days (no separate refresh token)."""
        token = account.get_access_token()
        if not token:
            return None
        return connect.refresh(self.client, token)

    def setup_help(self, *, redirect_uri: str) -> SetupHelp | None:
        return setup.setup_help(redirect_uri=redirect_uri)

    def check_setup(self, *, redirect_uri: str, organization=None) -> list[SetupCheck]:
        return setup.check_setup(redirect_uri=redirect_uri, organization=organization)

    # --- calling ------------------------------------------------------------------------
    def call(self, account: ConnectedAccount, method: str, path: str, *,
             params: dict | None = None, data: dict | None = None) -> Any:
        """One Threads API call with the account's token."""
        token = account.get_access_token()
        if not token:
            raise AuthExpired(_("This account has no access token; please reconnect it."))
        return self.client.json(method, api_url(path), token=token, params=params, data=data)

    # --- writing ------------------------------------------------------------------------
    def limits(self, account: ConnectedAccount) -> Limits:
        # 500 characters with emoji counted as their UTF-8 bytes; carousels of up to 20
        # images and videos (JPEG/PNG up to 8 MB, MP4/MOV up to 1 GB).
        return Limits(max_chars=500, counting="bytes_emoji", max_media=publishing.MAX_CAROUSEL,
                      max_image_bytes=8 * 1024 * 1024, max_video_bytes=1024 * 1024 * 1024,
                      media_types=IMAGE_TYPES + VIDEO_TYPES, alt_text_max=1000,
                      video_allowed=True, mixed_media_allowed=True)

    def publish(self, account: ConnectedAccount, request: PublishRequest) -> RemotePost:
        return publishing.publish(self.call, account, request)

    def publishing_quotas(self, account: ConnectedAccount) -> list[PublishingQuota]:
        """The last reading (publishing reads it before every post), else a live one."""
        cached = cache.get(publishing.quota_cache_key(account))
        if cached is not None:
            return cached
        return publishing.read_quotas(self.call, account)

    def find_published(self, account: ConnectedAccount,
                       request: PublishRequest) -> RemotePost | None:
        return publishing.find_published(self.call, account, request)

    def delete(self, account: ConnectedAccount, remote_id: str) -> None:
        graph_delete(self.call, account, remote_id, "Threads")

    # --- conversations ------------------------------------------------------------------
    def fetch_inbox(self, account: ConnectedAccount, cursor: str = "") -> InboxPage:
        return replies.fetch_inbox(self.call, account, cursor)

    def reply(self, account: ConnectedAccount, entry_remote_id: str, text: str,
              *, idempotency_key: str = "") -> RemotePost:
        """An answer in the conversation: a reply container under the reply (or post)."""
        return publishing.publish(self.call, account, PublishRequest(
            text=text, reply_to=entry_remote_id, idempotency_key=idempotency_key))

    def hide(self, account: ConnectedAccount, remote_id: str, *, hidden: bool) -> None:
        """`POST /{reply-id}/manage_reply` with `hide=true|false` answers `{"success": true}`."""
        answer = self.call(account, "POST", f"{remote_id}/manage_reply",
                           data={"hide": "true" if hidden else "false"})
        if isinstance(answer, dict) and answer.get("success") is False:
            raise Rejected(_("Threads did not change the reply's visibility."))

    # --- analytics ----------------------------------------------------------------------
    def fetch_account_metrics(self, account: ConnectedAccount) -> AccountMetrics:
        return insights.account_metrics(self.call, account)

    def fetch_post_metrics(self, account: ConnectedAccount,
                           remote_ids: list[str]) -> list[PostMetrics]:
        return insights.post_metrics(self.call, account, remote_ids)
