"""Facebook Login, shared by the Facebook Page and Instagram providers.

One login gives a user token; it is exchanged for a long-lived one
(`grant_type=fb_exchange_token`), and `/me/accounts` then lists the Pages the user
manages, each with its own Page access token (which, obtained from a long-lived
user token, does not expire) and its linked Instagram professional account. The
providers turn that list into `ConnectResult.choices` for the admin to pick from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone

from platforms import oauth2
from platforms.http import pick
from platforms.meta.graph import GraphClient, graph_url, graph_version

SCOPES = (
    "pages_show_list", "pages_read_engagement", "pages_manage_posts", "pages_read_user_content",
    "pages_manage_engagement", "pages_manage_metadata", "business_management",
    "instagram_basic", "instagram_content_publish", "instagram_manage_comments",
    "instagram_manage_insights",
)
PAGE_FIELDS = ("id,name,username,access_token,tasks,picture{url},"
               "instagram_business_account{id,username,name,profile_picture_url}")


@dataclass(frozen=True)
class AppCredentials:
    app_id: str
    app_secret: str

    @property
    def configured(self) -> bool:
        return bool(self.app_id and self.app_secret)


def app_credentials(organization=None) -> AppCredentials:
    """The Meta app's id and secret: configured in the UI when that exists, else the env."""
    from accounts.services.platform_apps import platform_credentials

    # One Meta app serves both providers; an app saved under either key counts.
    for key in ("facebook", "instagram"):
        app_id, app_secret = _as_pair(platform_credentials(key, organization))
        if app_id and app_secret:
            return AppCredentials(app_id, app_secret)
    return AppCredentials(settings.META_APP_ID or "", settings.META_APP_SECRET or "")


def _as_pair(found) -> tuple[str, str]:
    if not found:
        return "", ""
    if isinstance(found, tuple | list):
        return str(found[0] or ""), str(found[1] or "")
    return (str(getattr(found, "client_id", "") or ""),
            str(getattr(found, "client_secret", "") or ""))


def dialog_url(*, redirect_uri: str, state: str, credentials: AppCredentials) -> str:
    query = urlencode({
        "client_id": credentials.app_id, "redirect_uri": redirect_uri, "state": state,
        "response_type": "code", "scope": ",".join(SCOPES),
    })
    return f"https://www.facebook.com/{graph_version()}/dialog/oauth?{query}"


def check_callback(*, state: dict, params: dict) -> str:
    """The authorisation code, after checking state and the user's decision."""
    return oauth2.check_callback(expected_state=str(state.get("state") or ""), params=params,
                                 platform="Facebook")


def exchange_code(client: GraphClient, *, code: str, redirect_uri: str,
                  credentials: AppCredentials) -> tuple[str, dt.datetime | None]:
    """Code → short-lived user token → long-lived user token (≈60 days)."""
    short = client.json("GET", graph_url("oauth/access_token"), params={
        "client_id": credentials.app_id, "client_secret": credentials.app_secret,
        "redirect_uri": redirect_uri, "code": code,
    })
    short_token = pick(short, "access_token", str, what="Facebook token answer")
    long = client.json("GET", graph_url("oauth/access_token"), params={
        "grant_type": "fb_exchange_token", "client_id": credentials.app_id,
        "client_secret": credentials.app_secret, "fb_exchange_token": short_token,
    })
    token = pick(long, "access_token", str, what="Facebook token answer")
    expires_in = pick(long, "expires_in", int, what="Facebook token answer", default=None)
    expires_at = timezone.now() + dt.timedelta(seconds=expires_in) if expires_in else None
    return token, expires_at


@dataclass(frozen=True)
class Page:
    id: str
    name: str
    username: str
    access_token: str
    tasks: tuple[str, ...]
    picture_url: str
    instagram: dict | None  # {"id", "username", "name", "profile_picture_url"}


def list_pages(client: GraphClient, *, user_token: str) -> list[Page]:
    """Every Page the user manages, following `paging.next`."""
    pages: list[Page] = []
    url: str | None = graph_url("me/accounts")
    params: dict | None = {"fields": PAGE_FIELDS, "limit": 100}
    for _hop in range(20):  # 2,000 pages is plenty; never loop forever on a bad cursor
        if not url:
            break
        data = client.json("GET", url, token=user_token, params=params)
        for row in pick(data, "data", list, what="Facebook page list"):
            pages.append(_page(row))
        url = pick(data, "paging.next", str, what="Facebook page list", default=None)
        params = None  # `next` already carries the query
    return pages


def _page(row: dict) -> Page:
    what = "Facebook page"
    ig = row.get("instagram_business_account")
    return Page(
        id=pick(row, "id", str, what=what),
        name=pick(row, "name", str, what=what, default=""),
        username=pick(row, "username", str, what=what, default=""),
        access_token=pick(row, "access_token", str, what=what),
        tasks=tuple(pick(row, "tasks", list, what=what, default=[])),
        picture_url=pick(row, "picture.data.url", str, what=what, default=""),
        instagram=ig if isinstance(ig, dict) and ig.get("id") else None,
    )
