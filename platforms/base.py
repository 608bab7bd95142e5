"""The provider contract: the one way the rest of socialmgr talks to a platform.

Publishing, the inbox and analytics call only these methods, with a
`ConnectedAccount` and plain data; they never see HTTP. Every method raises only
the typed errors in `platforms.errors`. Responses are parsed into the
dataclasses below before anything is stored.

Implementations live one module per platform (`mastodon.py`, `bluesky.py`, …)
and are looked up through `platforms.registry`.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from lib.weburl import http_url
from platforms.limits import Limits, MediaFile, Problem
from platforms.validation import validate_against_limits

if TYPE_CHECKING:
    from accounts.models import ConnectedAccount



# --- value types ----------------------------------------------------------------------

@dataclass(frozen=True)
class PublishRequest:
    """Everything a provider needs to publish one target."""

    text: str
    media: list[MediaFile] = field(default_factory=list)
    idempotency_key: str = ""  # stable per target: a retry must not create a second post
    reply_to: str = ""  # remote id of the post being answered (threads, inbox replies)
    link: str = ""  # the URL to show as a link card, when the platform builds cards


def _keep_http_urls(value, *names: str) -> None:
    """A platform's URL fields hold an absolute http(s) URL or "" (lib.weburl), whatever
    the server sent: a `javascript:` permalink never gets past the provider."""
    for name in names:
        object.__setattr__(value, name, http_url(getattr(value, name)))


@dataclass(frozen=True)
class RemotePost:
    id: str
    url: str
    published_at: dt.datetime | None = None

    def __post_init__(self):
        _keep_http_urls(self, "url")


@dataclass(frozen=True)
class RemoteAccount:
    """An account as the platform describes it, returned when connecting."""

    external_id: str
    handle: str
    display_name: str = ""
    avatar_url: str = ""

    def __post_init__(self):
        _keep_http_urls(self, "avatar_url")


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str = ""
    expires_at: dt.datetime | None = None
    extra: dict = field(default_factory=dict)  # provider-specific, stored in account.settings


@dataclass(frozen=True)
class ConnectResult:
    """The account a connect flow produced.

    When one login gives access to several accounts (a LinkedIn member and the pages they
    administer, the Facebook pages of a user), `choices` lists each as a complete
    ConnectResult of its own and the admin picks one or more of them to connect; the
    top-level `account`/`tokens`/`settings` then repeat the first choice. `choices` is empty
    when there is nothing to choose. Choices carry tokens: keep them server-side (encrypted)
    while the admin decides, never in a cookie or a form field.
    """

    account: RemoteAccount
    tokens: Tokens
    settings: dict = field(default_factory=dict)
    choices: list[ConnectResult] = field(default_factory=list)
    label: str = ""  # how the choice is shown, e.g. "Acme GmbH (page)"; blank: the handle


@dataclass(frozen=True)
class ConnectStart:
    """Where to send the browser, and what to remember (in the session) for the callback."""

    redirect_url: str
    state: dict


@dataclass(frozen=True)
class InboxEntry:
    remote_id: str
    kind: str  # "comment" | "mention" | "reply" | "quote" | "dm"
    author_handle: str
    author_name: str
    text: str
    url: str
    created_at: dt.datetime
    parent_remote_id: str = ""
    root_remote_id: str = ""
    author_avatar_url: str = ""
    raw: dict = field(default_factory=dict)
    edited_at: dt.datetime | None = None  # set when the platform reports an edit
    deleted: bool = False  # the platform reports this item as deleted (the inbox marks it)

    def __post_init__(self):
        _keep_http_urls(self, "url", "author_avatar_url")


@dataclass(frozen=True)
class InboxPage:
    items: list[InboxEntry]
    cursor: str = ""  # opaque; pass back to continue where this page ended


@dataclass(frozen=True)
class MetricValue:
    """A measured number and where it came from. Missing metrics are absent, never zero."""

    value: int
    source_field: str


@dataclass(frozen=True)
class AccountMetrics:
    fetched_at: dt.datetime
    values: dict[str, MetricValue]  # "followers", "following", "posts", …


@dataclass(frozen=True)
class PostMetrics:
    remote_id: str
    fetched_at: dt.datetime
    values: dict[str, MetricValue]  # "impressions", "likes", "reposts", "replies", "clicks" …


@dataclass(frozen=True)
class PublishingQuota:
    """How much of a platform's rolling publishing allowance an account has used."""

    kind: str  # "posts" | "replies"
    used: int
    total: int
    window_seconds: int = 86400

    @property
    def exhausted(self) -> bool:
        return self.used >= self.total


@dataclass(frozen=True)
class SetupHelp:
    """Shown on the connect page: what to register on the platform's developer portal.

    Texts are translated. `redirect_uri` is this installation's exact callback URL.
    """

    redirect_uri: str
    portal_url: str = ""  # where to register the app
    scopes: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()  # what to do, in order
    review: tuple[str, ...] = ()  # the platform's app review / verification requirements
    env_vars: tuple[str, ...] = ()  # e.g. ("X_CLIENT_ID", "X_CLIENT_SECRET")
    needs_credentials: bool = True  # False: no developer app needed (Mastodon, Bluesky)


@dataclass(frozen=True)
class SetupCheck:
    """One finding of `check_setup()`: ok, a warning, or an error, with a readable message."""

    level: str  # "ok" | "warning" | "error"
    message: str


# --- the contract ---------------------------------------------------------------------

class Provider(ABC):
    """One platform. Instances are cheap and stateless; state lives on the ConnectedAccount."""

    key: ClassVar[str]  # registry key and ConnectedAccount.provider value
    name: ClassVar[str]  # shown to people
    # How connecting works: "oauth" (redirect), "credentials" (handle + app password), "instance"
    # (OAuth against a server the user names first).
    connect_kind: ClassVar[str] = "oauth"
    supports_idempotency_key: ClassVar[bool] = False
    supports_find_published: ClassVar[bool] = False
    # False where the platform's API offers no way to delete a published post (Instagram):
    # the UI says so before a person confirms a delete.
    supports_delete: ClassVar[bool] = True
    # True where a post can be a thread: each further part is published with `reply_to`
    # set to the part before it (Bluesky reply refs, Mastodon in_reply_to_id, X reply).
    supports_threads: ClassVar[bool] = False
    # True where `comment()` can put a first comment under a published post.
    supports_first_comment: ClassVar[bool] = False
    # True where `edit()` can change a published post in place (Mastodon); elsewhere the UI
    # offers "delete and post again" instead of a silent local-only edit.
    supports_edit: ClassVar[bool] = False
    # The inbox item kinds `hide()` can hide from public view on the platform (Threads:
    # top-level replies to our posts); empty where the platform has no hiding.
    hide_kinds: ClassVar[frozenset[str]] = frozenset()
    # How long before a token ends the token task renews it. Threads renews a token only
    # while it still works, so it asks for days instead of minutes.
    refresh_ahead: ClassVar[dt.timedelta] = dt.timedelta(minutes=30)

    # connecting
    @abstractmethod
    def connect_start(self, *, redirect_uri: str, form_data: dict | None = None,
                      organization=None) -> ConnectStart:
        """Begin connecting. OAuth providers return the authorisation URL (with state, PKCE).

        `ConnectStart.state` must hold the OAuth `state` value under the key "state" for
        redirect flows (the connect view refuses a callback whose `state` differs).
        `form_data` is the cleaned connect form ("instance_url", or "identifier" and
        "password" for credentials providers). `organization` picks the app credentials
        (`accounts.services.platform_credentials(key, organization)`).
        """

    @abstractmethod
    def connect_complete(self, *, redirect_uri: str, state: dict, params: dict,
                         organization=None) -> ConnectResult:
        """Finish connecting from the callback's query `params` (or the credentials form).

        Raise Rejected with a message people understand for a denied, tampered or failed
        connect (bad instance, wrong app password …): the view shows it and connects nothing.
        """

    def setup_help(self, *, redirect_uri: str) -> SetupHelp | None:
        """What a self-hoster must register on the platform (None: nothing to register)."""
        return None

    def platform_label(self, account) -> str:
        """The platform's name as shown next to one of its accounts."""
        return str(self.name)

    def no_web_view(self, account) -> str:
        """Why this account's posts have no web page to link to ("" when they have one)."""
        return ""

    def check_setup(self, *, redirect_uri: str, organization=None) -> list[SetupCheck]:
        """Check the configured app as far as the platform allows (the *test the setup* button).

        Raises NotSupported when there is nothing to check.
        """
        from platforms.errors import NotSupported

        raise NotSupported("this platform has no setup to check")

    def refresh(self, account: ConnectedAccount) -> Tokens | None:
        """Renew the account's tokens; None when the platform has no refresh."""
        return None

    # writing
    @abstractmethod
    def limits(self, account: ConnectedAccount) -> Limits:
        """What a post to this account may hold (may read and cache the server's configuration)."""

    def publishing_quotas(self, account: ConnectedAccount) -> list[PublishingQuota]:
        """The account's publishing allowances where the platform reports them (Threads:
        posts and replies per 24 hours); empty where it reports none. May be a recent
        reading rather than a live one."""
        return []

    def validate(self, account: ConnectedAccount, text: str,
                 media: list[MediaFile]) -> list[Problem]:
        """Problems with a post before it is saved; the default checks `limits()`."""
        return validate_against_limits(self.limits(account), text, media,
                                       platform=self.platform_label(account))

    @abstractmethod
    def publish(self, account: ConnectedAccount, request: PublishRequest) -> RemotePost:
        """Create the post. Must be safe to call again with the same idempotency key."""

    def find_published(self, account: ConnectedAccount,
                       request: PublishRequest) -> RemotePost | None:
        """After a lost response: the post if it already went out, None if it surely did not.

        Raises NotSupported when the platform gives no way to tell.
        """
        from platforms.errors import NotSupported

        raise NotSupported("this platform cannot be checked for a post")

    @abstractmethod
    def delete(self, account: ConnectedAccount, remote_id: str) -> None:
        """Delete a published post. A post that is gone already counts as deleted (no error),
        so a retry after a lost answer is harmless. NotSupported where `supports_delete` is
        False."""

    def edit(self, account: ConnectedAccount, remote_id: str,
             request: PublishRequest) -> RemotePost:
        """Replace the published post's text and media (with alt text) in place; the platform
        keeps its own edit history. Repeating the same edit is harmless. NotSupported where
        `supports_edit` is False."""
        from platforms.errors import NotSupported

        raise NotSupported("this platform cannot edit a published post")

    def comment(self, account: ConnectedAccount, request: PublishRequest) -> RemotePost:
        """Comment on one of the account's own published posts (`request.reply_to`): the
        first comment. Must be safe to call again with the same idempotency key. The
        default, for networks with threads, is a self-reply."""
        from platforms.errors import NotSupported

        if not self.supports_threads:
            raise NotSupported("this platform takes no comments from us")
        return self.publish(account, request)

    def find_comment(self, account: ConnectedAccount,
                     request: PublishRequest) -> RemotePost | None:
        """After a lost response: the comment if it already went out, None if it surely did
        not (NotSupported when the platform gives no way to tell)."""
        return self.find_published(account, request)

    # conversations
    def fetch_inbox(self, account: ConnectedAccount, cursor: str = "") -> InboxPage:
        """New comments, mentions and replies since `cursor`, oldest first."""
        from platforms.errors import NotSupported

        raise NotSupported("this platform has no inbox")

    def reply(self, account: ConnectedAccount, entry_remote_id: str, text: str,
              *, idempotency_key: str = "") -> RemotePost:
        """Answer an inbox item as a real, threaded reply on the platform."""
        from platforms.errors import NotSupported

        raise NotSupported("this platform does not accept replies")

    def hide(self, account: ConnectedAccount, remote_id: str, *, hidden: bool) -> None:
        """Hide a reply under one of the account's posts from public view (or show it again).
        Hiding what is hidden already is harmless. NotSupported where `hide_kinds` is empty."""
        from platforms.errors import NotSupported

        raise NotSupported("this platform cannot hide replies")

    def search(self, account: ConnectedAccount, query: str, cursor: str = "") -> InboxPage:
        """Public posts matching `query` (keywords or a #hashtag) since `cursor`, for listening.

        Entries come back with kind "listening". Raises NotSupported where the platform
        offers no search to this account.
        """
        from platforms.errors import NotSupported

        raise NotSupported("this platform offers no search")

    # analytics
    def fetch_account_metrics(self, account: ConnectedAccount) -> AccountMetrics:
        from platforms.errors import NotSupported

        raise NotSupported("this platform has no account metrics")

    def fetch_post_metrics(self, account: ConnectedAccount,
                           remote_ids: list[str]) -> list[PostMetrics]:
        from platforms.errors import NotSupported

        raise NotSupported("this platform has no post metrics")
