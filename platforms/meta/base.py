"""What the Facebook Page and Instagram providers share: connecting and calling the Graph API."""

from __future__ import annotations

import datetime as dt
from abc import abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from platforms.base import ConnectResult, ConnectStart, Provider, SetupCheck, SetupHelp
from platforms.errors import AuthExpired, Rejected
from platforms.meta import login, setup
from platforms.meta.graph import GraphClient, appsecret_proof, graph_url

if TYPE_CHECKING:
    from accounts.models import ConnectedAccount


class MetaProvider(Provider):
    """Graph API plumbing; subclasses say which accounts a login offers (`_choices`)."""

    connect_kind: ClassVar[str] = "oauth"
    supports_find_published: ClassVar[bool] = True
    platform: ClassVar[str] = "Facebook"

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
        """`DELETE /{post-id}` answers `{"success": true}`. A post that is gone already answers
        400 with code 100, subcode 33 ("Object with ID … does not exist"): deleted is deleted."""
        try:
            answer = self.call(account, "DELETE", remote_id)
        except Rejected as exc:
            if (getattr(exc, "graph_code", None), getattr(exc, "graph_subcode", None)) \
                    == (100, 33):
                return
            raise
        if isinstance(answer, dict) and answer.get("success") is False:
            raise Rejected(_("%(platform)s did not delete the post.")
                           % {"platform": self.platform})


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
