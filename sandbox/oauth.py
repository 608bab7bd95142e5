"""OAuth 2: app registration, the authorisation page (code + PKCE) and the token endpoint."""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import secrets
from urllib.parse import urlsplit

from sandbox import world
from sandbox.state import State
from sandbox.web import (
    HttpError,
    Request,
    Response,
    html_response,
    json_response,
    redirect,
    with_query,
)

CODE_TTL_S = 600
DEFAULT_SCOPE = "read write"
OAUTH_PARAMS = ("response_type", "client_id", "redirect_uri", "scope", "state",
                "code_challenge", "code_challenge_method")


def register_app(state: State, req: Request) -> Response:
    """POST /api/v1/apps, as on Mastodon."""
    name = req.field("client_name") or "app"
    uris = req.field("redirect_uris") or "urn:ietf:wg:oauth:2.0:oob"
    client_id, client_secret = secrets.token_urlsafe(24), secrets.token_urlsafe(32)
    with state.lock:
        state.world["clients"][client_id] = {"client_secret": client_secret, "name": name,
                                             "redirect_uris": uris.split()}
        state.touch()
    return json_response({"id": client_id, "name": name, "website": None,
                          "redirect_uri": uris, "redirect_uris": uris.split(),
                          "client_id": client_id, "client_secret": client_secret})


def _oauth_params(req: Request, source: str) -> dict[str, str]:
    get = req.arg if source == "query" else req.field
    return {name: get(name) for name in OAUTH_PARAMS}


def _check_request(params: dict[str, str]) -> str:
    """Problems that must not be redirected to the client (RFC 6749 §4.1.2.1)."""
    if not params["client_id"]:
        return "client_id is missing."
    uri = urlsplit(params["redirect_uri"])
    if uri.scheme not in ("http", "https") or not uri.netloc or uri.fragment:
        return "redirect_uri must be an absolute http(s) URL without a fragment."
    return ""


def authorize_page(state: State, req: Request) -> Response:
    params = _oauth_params(req, "query")
    problem = _check_request(params)
    if problem:
        return html_response(_page("Cannot authorize", f"<p>{html.escape(problem)}</p>"), 400)
    with state.lock:
        client = state.world["clients"].get(params["client_id"], {})
        accounts = sorted((a for a in state.world["accounts"].values() if not a.get("remote")),
                          key=lambda a: a["username"].lower())
    app_name = html.escape(client.get("name") or params["client_id"])
    hidden = "".join(f'<input type="hidden" name="{k}" value="{html.escape(v, quote=True)}">'
                     for k, v in params.items())
    choices = "".join(
        f'<label class="choice"><input type="radio" name="account" '
        f'value="{html.escape(a["username"], quote=True)}"{" checked" if i == 0 else ""}> '
        f'@{html.escape(a["username"])} – {html.escape(a["display_name"])}</label>'
        for i, a in enumerate(accounts)
    )
    existing = (f'<fieldset><legend>Sign in as</legend>{choices}'
                f'<label class="choice"><input type="radio" name="account" value=""> '
                f'A new account</label></fieldset>') if accounts else ""
    body = f"""
<p><strong>{app_name}</strong> wants to read and post on your behalf
(scopes: {html.escape(params["scope"] or DEFAULT_SCOPE)}).</p>
<form method="post" action="/oauth/authorize">
  {hidden}
  {existing}
  <fieldset><legend>{"Or create an account" if accounts else "Create an account"}</legend>
    <label for="username">Username</label>
    <input id="username" name="username" pattern="[A-Za-z0-9_]{{1,30}}" autocomplete="off">
    <label for="display_name">Display name</label>
    <input id="display_name" name="display_name" autocomplete="off">
  </fieldset>
  <div class="actions">
    <button type="submit" name="decision" value="authorize">Authorize</button>
    <button type="submit" name="decision" value="deny" class="secondary">Deny</button>
  </div>
</form>"""
    return html_response(_page("Authorize access", body))


def authorize_decide(state: State, req: Request) -> Response:
    params = _oauth_params(req, "form")
    problem = _check_request(params)
    if problem:
        return html_response(_page("Cannot authorize", f"<p>{html.escape(problem)}</p>"), 400)
    back = params["redirect_uri"]
    extra = {"state": params["state"]} if params["state"] else {}
    if req.field("decision") != "authorize":
        return redirect(with_query(back, {"error": "access_denied", "error_description":
                                          "The resource owner denied the request.", **extra}))
    if params["response_type"] != "code":
        return redirect(with_query(back, {"error": "unsupported_response_type", **extra}))
    method = params["code_challenge_method"] or "plain"
    if not params["code_challenge"] or method not in ("S256", "plain"):
        return redirect(with_query(back, {"error": "invalid_request", "error_description":
                                          "PKCE is required (code_challenge, S256).", **extra}))
    username = (req.field("username") or req.field("account")).strip().lstrip("@")
    if not world.USERNAME.match(username):
        return html_response(_page("Cannot authorize", "<p>Pick an account or enter a username "
                                   "(letters, digits and _ only).</p>"), 400)
    with state.lock:
        client = state.world["clients"].setdefault(
            params["client_id"], {"client_secret": "", "name": "", "redirect_uris": []})
        if back not in client["redirect_uris"]:
            client["redirect_uris"].append(back)  # auto-registration: any client may use it
        account = world.local_account(state, username, req.field("display_name").strip(),
                                      req.field("shape").strip())
        code = secrets.token_urlsafe(24)
        state.world["codes"][code] = {
            "client_id": params["client_id"], "redirect_uri": back, "account_id": account["id"],
            "scope": params["scope"] or DEFAULT_SCOPE, "challenge": params["code_challenge"],
            "method": method, "expires_at": state.now() + CODE_TTL_S,
        }
        state.touch()
    return redirect(with_query(back, {"code": code, **extra}))


def token(state: State, req: Request) -> Response:
    grant_type = req.field("grant_type")
    client_id, client_secret = _client_credentials(req)
    with state.lock:
        _check_client(state, client_id, client_secret)
        if grant_type == "authorization_code":
            return json_response(_code_grant(state, req, client_id))
        if grant_type == "refresh_token":
            return json_response(_refresh_grant(state, req, client_id))
    raise _oauth_error("unsupported_grant_type", "The grant type is not supported.")


def revoke(state: State, req: Request) -> Response:
    value = req.field("token")
    with state.lock:
        for store in ("tokens", "refresh_tokens"):
            if value in state.world[store]:
                state.world[store][value]["revoked"] = True
                state.touch()
    return json_response({})


def _client_credentials(req: Request) -> tuple[str, str]:
    auth = req.headers.get("authorization", "")
    if auth.lower().startswith("basic "):
        try:
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            return user, password
        except (ValueError, UnicodeDecodeError):
            raise _oauth_error("invalid_client", "Malformed client credentials.", 401) from None
    return req.field("client_id"), req.field("client_secret")


def _check_client(state: State, client_id: str, client_secret: str) -> None:
    if not client_id:
        raise _oauth_error("invalid_client", "Client authentication failed.", 401)
    client = state.world["clients"].setdefault(
        client_id, {"client_secret": "", "name": "", "redirect_uris": []})
    if not client["client_secret"] and client_secret:
        client["client_secret"] = client_secret  # first use registers the secret
        state.touch()
    elif client["client_secret"] and not hmac.compare_digest(client["client_secret"],
                                                             client_secret or ""):
        raise _oauth_error("invalid_client", "Client authentication failed.", 401)


def _code_grant(state: State, req: Request, client_id: str) -> dict:
    code = state.world["codes"].pop(req.field("code"), None)  # single use
    state.touch()
    if (code is None or code["expires_at"] < state.now() or code["client_id"] != client_id
            or code["redirect_uri"] != req.field("redirect_uri")):
        raise _oauth_error("invalid_grant", "The authorization code is invalid, expired, or "
                           "was issued to another client or redirect URI.")
    if not _pkce_ok(code["challenge"], code["method"], req.field("code_verifier")):
        raise _oauth_error("invalid_grant", "The code_verifier does not match the challenge.")
    return world.issue_tokens(state, account_id=code["account_id"], client_id=client_id,
                              scope=code["scope"])


def _refresh_grant(state: State, req: Request, client_id: str) -> dict:
    refresh = req.field("refresh_token")
    grant = state.world["refresh_tokens"].get(refresh)
    if grant is None or grant["revoked"] or grant["client_id"] != client_id:
        raise _oauth_error("invalid_grant", "The refresh token is invalid or was revoked.")
    # The refresh token is not rotated, so a lost answer cannot strand the account.
    return world.issue_tokens(state, account_id=grant["account_id"], client_id=client_id,
                              scope=grant["scope"], refresh_token=refresh)


def _pkce_ok(challenge: str, method: str, verifier: str) -> bool:
    if not verifier or not 43 <= len(verifier) <= 128:
        return False
    if method == "S256":
        digest = hashlib.sha256(verifier.encode()).digest()
        verifier = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return hmac.compare_digest(verifier, challenge)


def _oauth_error(error: str, description: str, status: int = 400) -> HttpError:
    return HttpError(status, error, error_description=description)


def _page(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>{html.escape(title)} · Sandbox</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/_sandbox/style.css"></head>
<body><main><p class="brand">Sandbox network</p><h1>{html.escape(title)}</h1>{body}</main>
</body></html>"""


STYLE = """body{font-family:system-ui,sans-serif;background:#f4f4f7;color:#1d1d2b;margin:0}
main{max-width:34rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:12px;
box-shadow:0 2px 12px #0001}.brand{color:#6b5bd2;font-weight:600;margin:0}
fieldset{border:1px solid #ddd;border-radius:8px;margin:1rem 0;padding:1rem}
label{display:block;margin:.4rem 0}.choice{display:flex;gap:.5rem;align-items:center}
input[type=text],input:not([type]){width:100%;padding:.5rem;box-sizing:border-box}
.actions{display:flex;gap:.75rem}button{padding:.6rem 1.2rem;border-radius:6px;border:0;
background:#6b5bd2;color:#fff;font-size:1rem;cursor:pointer}button.secondary{background:#999}
article{border-top:1px solid #eee;padding:.75rem 0}.muted{color:#777;font-size:.9rem}"""
