"""Connecting a Mastodon-API account: instance check, app registration, OAuth (PKCE if offered)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _

from lib.crypto import decrypt, encrypt
from platforms.base import ConnectResult, ConnectStart, Tokens
from platforms.errors import ProviderError, Rejected, Transient
from platforms.http import pick
from platforms.mastodon import apps
from platforms.mastodon.client import MastodonClient
from platforms.mastodon.entities import remote_account
from platforms.mastodon.instance import fetch_instance, normalise_instance_url
from platforms.oauth2 import check_callback, new_state, pkce_pair


def start(client: MastodonClient, *, redirect_uri: str, form_data: dict | None) -> ConnectStart:
    form_data = form_data or {}
    url = normalise_instance_url(str(form_data.get("instance_url") or form_data.get("instance")
                                     or ""))
    instance = fetch_instance(url, client)
    endpoints = apps.oauth_endpoints(url, client)
    scopes = apps.choose_scopes(endpoints, granular_ok=instance.server.software == "mastodon")
    app = apps.registered_app(url, redirect_uri=redirect_uri, scopes=scopes, client=client)
    state = new_state()
    query = {"response_type": "code", "client_id": app.client_id,
             "redirect_uri": redirect_uri, "scope": scopes, "state": state}
    remembered = {
        "state": state, "instance_url": url, "domain": instance.domain,
        "software": instance.server.software, "version": instance.version,
        "configuration": instance.configuration, "client_id": app.client_id,
        "client_secret": encrypt(app.client_secret), "scopes": scopes,
        "token_endpoint": endpoints.token, "revoke_endpoint": endpoints.revoke,
    }
    if endpoints.pkce:
        verifier, challenge = pkce_pair()
        query.update(code_challenge=challenge, code_challenge_method="S256")
        remembered["code_verifier"] = verifier
    return ConnectStart(redirect_url=f"{endpoints.authorize}?{urlencode(query)}",
                        state=remembered)


def complete(client: MastodonClient, *, redirect_uri: str, state: dict,
             params: dict) -> ConnectResult:
    host = state.get("domain") or _("the server")
    code = check_callback(expected_state=str(state.get("state", "")), params=params,
                          platform=str(host))
    url = state["instance_url"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "client_id": state["client_id"], "client_secret": decrypt(state["client_secret"]),
            "scope": state["scopes"]}
    if state.get("code_verifier"):
        form["code_verifier"] = state["code_verifier"]
    try:
        data = client.json("POST", state["token_endpoint"], data=form)
    except Transient:
        raise
    except ProviderError as exc:
        if "invalid_client" in exc.message:
            apps.forget_app(url, redirect_uri=redirect_uri, scopes=state["scopes"])
        raise Rejected(_("%(host)s did not accept the sign-in (%(reason)s). Nothing was "
                         "connected; please try again.") % {"host": host, "reason": exc.message}
                       ) from None
    tokens = tokens_from(data)
    me = client.json("GET", f"{url}/api/v1/accounts/verify_credentials",
                     token=tokens.access_token)
    account = remote_account(me, domain=state["domain"])
    settings = {key: state[key] for key in (
        "instance_url", "domain", "software", "version", "configuration", "client_id",
        "client_secret", "scopes", "token_endpoint", "revoke_endpoint")}
    settings["account_id"] = me["id"]
    return ConnectResult(account=account, tokens=tokens, settings=settings)


def tokens_from(data) -> Tokens:
    """Mastodon tokens do not expire; Akkoma/Pleroma add `expires_in` and a refresh token."""
    access = pick(data, "access_token", str, what="Mastodon token response")
    refresh = pick(data, "refresh_token", str, what="Mastodon token response", default="")
    expires_in = data.get("expires_in")
    expires_at = None
    if isinstance(expires_in, int) and not isinstance(expires_in, bool) and expires_in > 0:
        expires_at = timezone.now() + dt.timedelta(seconds=expires_in)
    return Tokens(access_token=access, refresh_token=refresh or "", expires_at=expires_at)
