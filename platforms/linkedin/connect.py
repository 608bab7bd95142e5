"""LinkedIn OAuth 2 (3-legged) and the accounts one login can post as.

A member signs in; the connect result offers the member themself and every
organisation page they administer (`organizationAcls?q=roleAssignee&role=ADMINISTRATOR`).
Each choice carries the same member token; settings["author_urn"] says who posts.
Access tokens last 60 days; refresh tokens exist only for approved partners, so
`token_expires_at` is set and the reminder emails cover the rest.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _

from platforms import oauth2
from platforms.base import ConnectResult, RemoteAccount, Tokens
from platforms.errors import Rejected
from platforms.http import pick
from platforms.linkedin.client import (
    AUTHORIZE_URL,
    REST,
    TOKEN_URL,
    LinkedInClient,
    rest_headers,
)

MEMBER_SCOPES = ("openid", "profile", "w_member_social")
PAGE_SCOPES = ("r_organization_social", "w_organization_social", "rw_organization_admin",
               "r_organization_social_feed")
SCOPES = MEMBER_SCOPES + PAGE_SCOPES
# LinkedIn reports a cancelled consent with its own error codes.
DENIED = {"user_cancelled_login", "user_cancelled_authorize", "access_denied"}


def authorize_url(*, client_id: str, redirect_uri: str, state: str) -> str:
    return AUTHORIZE_URL + "?" + urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
        "state": state, "scope": " ".join(SCOPES)})


def check_callback(*, state: dict, params: dict) -> str:
    params = dict(params)
    if params.get("error") in DENIED:
        params["error"] = "access_denied"
    return oauth2.check_callback(expected_state=str(state.get("state") or ""), params=params,
                                 platform="LinkedIn")


def tokens_from(answer: dict) -> Tokens:
    what = "LinkedIn token answer"
    now = timezone.now()
    expires_in = pick(answer, "expires_in", int, what=what, default=None)
    refresh_in = pick(answer, "refresh_token_expires_in", int, what=what, default=None)
    extra = {}
    if refresh_in:
        extra["refresh_token_expires_at"] = (now + dt.timedelta(seconds=refresh_in)).isoformat()
    return Tokens(
        access_token=pick(answer, "access_token", str, what=what),
        refresh_token=pick(answer, "refresh_token", str, what=what, default=""),
        expires_at=now + dt.timedelta(seconds=expires_in) if expires_in else None,
        extra=extra)


def exchange_code(client: LinkedInClient, *, code: str, redirect_uri: str, client_id: str,
                  client_secret: str) -> Tokens:
    answer = client.json("POST", TOKEN_URL, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
        "client_id": client_id, "client_secret": client_secret})
    return tokens_from(answer)


def member_choice(client: LinkedInClient, tokens: Tokens) -> ConnectResult:
    info = client.json("GET", "https://api.linkedin.com/v2/userinfo", token=tokens.access_token)
    sub = pick(info, "sub", str, what="LinkedIn profile")
    name = pick(info, "name", str, what="LinkedIn profile", default="") or sub
    urn = f"urn:li:person:{sub}"
    return ConnectResult(
        account=RemoteAccount(external_id=urn, handle=name, display_name=name,
                              avatar_url=pick(info, "picture", str, what="LinkedIn profile",
                                              default="")),
        tokens=tokens, settings={"author_urn": urn, "kind": "member", "member_urn": urn},
        label=_("%(name)s (your LinkedIn profile)") % {"name": name})


def page_choices(client: LinkedInClient, tokens: Tokens, member_urn: str) -> list[ConnectResult]:
    """Pages the member administers; none when the app lacks the page scopes."""
    try:
        acls = client.json("GET", f"{REST}/organizationAcls", token=tokens.access_token,
                           headers=rest_headers(),
                           params={"q": "roleAssignee", "role": "ADMINISTRATOR",
                                   "state": "APPROVED"})
    except Rejected:  # 403: the app has no Community Management access; member posts still work
        return []
    choices = []
    for row in pick(acls, "elements", list, what="LinkedIn page roles"):
        urn = row.get("organization") or row.get("organizationalTarget") \
            if isinstance(row, dict) else None
        if not isinstance(urn, str) or not urn.startswith("urn:li:organization:"):
            continue
        org_id = urn.rsplit(":", 1)[1]
        org = client.json("GET", f"{REST}/organizations/{org_id}", token=tokens.access_token,
                          headers=rest_headers())
        name = pick(org, "localizedName", str, what="LinkedIn page", default="") or urn
        vanity = pick(org, "vanityName", str, what="LinkedIn page", default="")
        choices.append(ConnectResult(
            account=RemoteAccount(external_id=urn, handle=vanity or name, display_name=name),
            tokens=tokens,
            settings={"author_urn": urn, "kind": "organization", "member_urn": member_urn,
                      "vanity_name": vanity},
            label=_("%(name)s (LinkedIn page)") % {"name": name}))
    return choices
