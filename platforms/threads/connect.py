"""Threads login: the authorisation window, the token exchanges and the profile.

The code from `threads.com/oauth/authorize` buys a short-lived token (1 hour) at
`POST /oauth/access_token`; that is exchanged at once, server-side with the app
secret, for a long-lived one (`grant_type=th_exchange_token`, 60 days). A long-lived
token renews itself (`grant_type=th_refresh_token`) once it is 24 hours old and
before it expires, for another 60 days. There is no separate refresh token, so the
long-lived token is also stored as the account's refresh credential, and the token
task renews it `REFRESH_AHEAD` of its end (a missed day still leaves time).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _

from platforms import oauth2
from platforms.base import ConnectResult, RemoteAccount, Tokens
from platforms.http import pick
from platforms.threads.client import AUTHORIZE_URL, HOST, ThreadsClient, api_url

SCOPES = ("threads_basic", "threads_content_publish", "threads_manage_replies",
          "threads_read_replies", "threads_manage_insights", "threads_delete")
PROFILE_FIELDS = "id,username,name,threads_profile_picture_url"
REFRESH_AHEAD = dt.timedelta(days=7)


@dataclass(frozen=True)
class AppCredentials:
    app_id: str
    app_secret: str

    @property
    def configured(self) -> bool:
        return bool(self.app_id and self.app_secret)


def app_credentials(organization=None) -> AppCredentials:
    """The Threads app id and secret (not the Meta app's: a Meta app has both pairs), from
    the platform settings or THREADS_CLIENT_ID / THREADS_CLIENT_SECRET."""
    from accounts.services.platform_apps import platform_credentials

    found = platform_credentials("threads", organization)
    if found and found.client_id:
        return AppCredentials(found.client_id, found.client_secret)
    return AppCredentials("", "")


def authorize_url(*, app_id: str, redirect_uri: str, state: str) -> str:
    return AUTHORIZE_URL + "?" + urlencode({
        "client_id": app_id, "redirect_uri": redirect_uri, "scope": ",".join(SCOPES),
        "response_type": "code", "state": state})


def check_callback(*, state: dict, params: dict) -> str:
    return oauth2.check_callback(expected_state=str(state.get("state") or ""), params=params,
                                 platform="Threads")


def exchange_code(client: ThreadsClient, *, code: str, redirect_uri: str,
                  credentials: AppCredentials) -> Tokens:
    """Code → short-lived token → long-lived token."""
    short = client.json("POST", f"{HOST}/oauth/access_token", data={
        "client_id": credentials.app_id, "client_secret": credentials.app_secret,
        "grant_type": "authorization_code", "redirect_uri": redirect_uri, "code": code},
        secrets=[credentials.app_secret, code])
    short_token = pick(short, "access_token", str, what="Threads token answer")
    long = client.json("GET", f"{HOST}/access_token", params={
        "grant_type": "th_exchange_token", "client_secret": credentials.app_secret,
        "access_token": short_token}, secrets=[short_token, credentials.app_secret])
    return tokens_from(long)


def refresh(client: ThreadsClient, token: str) -> Tokens:
    answer = client.json("GET", f"{HOST}/refresh_access_token", params={
        "grant_type": "th_refresh_token", "access_token": token}, secrets=[token])
    return tokens_from(answer)


def tokens_from(answer) -> Tokens:
    what = "Threads token answer"
    token = pick(answer, "access_token", str, what=what)
    expires_in = pick(answer, "expires_in", int, what=what, default=None)
    expires_at = timezone.now() + dt.timedelta(seconds=expires_in) if expires_in else None
    # The long-lived token is its own refresh credential (th_refresh_token takes it).
    return Tokens(access_token=token, refresh_token=token, expires_at=expires_at)


def profile_choice(client: ThreadsClient, tokens: Tokens) -> ConnectResult:
    me = client.json("GET", api_url("me"), token=tokens.access_token,
                     params={"fields": PROFILE_FIELDS})
    what = "Threads profile"
    user_id = pick(me, "id", str, what=what)
    username = pick(me, "username", str, what=what, default="") or user_id
    account = RemoteAccount(
        external_id=user_id, handle=username,
        display_name=pick(me, "name", str, what=what, default="") or username,
        avatar_url=pick(me, "threads_profile_picture_url", str, what=what, default=""))
    return ConnectResult(account=account, tokens=tokens, settings={"username": username},
                         label=_("@%(username)s (Threads)") % {"username": username})
