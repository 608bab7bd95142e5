"""The stored app-password session: created once at connect, refreshed, never re-created.

createSession is rate-limited (30 per 5 minutes, 300 a day per account), so calls use
the stored access JWT; when the PDS answers `ExpiredToken` (or 401) the session is
renewed with refreshSession — through the account service, which locks the row so two
workers never spend the same refresh token — and the call is repeated once.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from platforms.base import Tokens
from platforms.bluesky.identity import pds_endpoint
from platforms.bluesky.xrpc import XrpcClient
from platforms.errors import AuthExpired, RateLimited, Rejected

if TYPE_CHECKING:
    from accounts.models import ConnectedAccount

TOKEN_FIELDS = ["access_token_encrypted", "refresh_token_encrypted", "token_expires_at",
                "settings", "status"]


def jwt_expiry(token: str) -> dt.datetime | None:
    """`exp` of a JWT, read without verifying (only to schedule the refresh)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return dt.datetime.fromtimestamp(int(claims["exp"]), tz=dt.UTC)
    except (IndexError, ValueError, KeyError, TypeError):
        return None


def tokens_from_session(data: Any) -> Tokens:
    """Tokens from a createSession/refreshSession answer (the PDS may have moved: didDoc)."""
    from platforms.http import pick

    access = pick(data, "accessJwt", str, what="Bluesky session")
    refresh = pick(data, "refreshJwt", str, what="Bluesky session")
    extra = {}
    doc = data.get("didDoc")
    if isinstance(doc, dict):
        with contextlib.suppress(Rejected):  # a session without a usable didDoc is fine
            extra["pds_url"] = pds_endpoint(doc)
    return Tokens(access_token=access, refresh_token=refresh, expires_at=jwt_expiry(access),
                  extra=extra)


def create_session(client: XrpcClient, pds_url: str, identifier: str, password: str) -> dict:
    """Log in with an app password; every failure is a message for the connect form."""
    try:
        data = client.call(pds_url, "com.atproto.server.createSession", method="POST",
                           json={"identifier": identifier, "password": password})
    except AuthExpired as exc:
        if "AuthFactorTokenRequired" in exc.message:  # right password, but a code is due
            raise Rejected(_("This account asks for a sign-in code. Use an app password "
                             "instead of the main password.")) from None
        raise Rejected(_("Bluesky did not accept this handle and app password. Check the "
                         "app password (Settings → Privacy and security → App passwords).")
                       ) from None
    except RateLimited as exc:
        minutes = max(1, round((exc.retry_after or 300) / 60))
        raise Rejected(_("Too many sign-in attempts for this account. Please try again in "
                         "%(minutes)d minutes.") % {"minutes": minutes}) from None
    if not isinstance(data, dict):
        raise Rejected(_("The server did not answer like a Bluesky server."))
    return data


def refresh_session(client: XrpcClient, account: ConnectedAccount) -> Tokens:
    refresh_token = account.get_refresh_token()
    if not refresh_token:
        raise AuthExpired("Bluesky: no session to renew; reconnect the account")
    try:
        data = client.call(pds_url(account), "com.atproto.server.refreshSession",
                           method="POST", token=refresh_token)
    except (AuthExpired, Rejected) as exc:
        raise AuthExpired(f"Bluesky: the session could not be renewed ({exc.message})",
                          status=exc.status) from None
    return tokens_from_session(data)


def renew(account: ConnectedAccount) -> None:
    """Refresh through the account service (row lock, audit) and reload the new tokens."""
    from accounts.services import account_refresh_tokens

    if not account_refresh_tokens(account_id=account.pk):
        raise AuthExpired("Bluesky: the session expired and could not be renewed; reconnect "
                          "the account")
    account.refresh_from_db(fields=TOKEN_FIELDS)


def pds_url(account: ConnectedAccount) -> str:
    """The PDS the admin named when connecting, else the one the identity names (kept up
    to date from each session's didDoc: an account may move)."""
    settings = account.settings or {}
    url = settings.get("chosen_pds_url") or settings.get("pds_url")
    if not isinstance(url, str) or not url:
        raise AuthExpired("Bluesky: no server (PDS) is stored for this account; reconnect it")
    return url


def repo_did(account: ConnectedAccount) -> str:
    return str((account.settings or {}).get("did") or account.external_id)


def authed_call(client: XrpcClient, account: ConnectedAccount, nsid: str, **kwargs) -> Any:
    """An XRPC call to the account's PDS with its session, renewed once if it expired."""
    try:
        return client.call(pds_url(account), nsid, token=account.get_access_token(), **kwargs)
    except AuthExpired:
        renew(account)
    return client.call(pds_url(account), nsid, token=account.get_access_token(), **kwargs)
