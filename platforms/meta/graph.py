"""The Graph API client shared by the Facebook Page and Instagram providers.

Meta answers errors with one object, whatever the HTTP status::

    {"error": {"message": "...", "type": "OAuthException", "code": 190,
               "error_subcode": 463, "error_user_msg": "...", "fbtrace_id": "..."}}

`GraphClient.raise_for` maps it to the typed errors: code 190 (and 102) means the
token is expired or revoked; 4, 17, 32, 613 and the 80001–80099 business-use-case
family are throttling; 1 and 2 (or `is_transient`) are temporary; anything else is
a refusal whose `error_user_msg`/`message` is shown to the user. Throttled answers
carry `X-Business-Use-Case-Usage` (or `X-App-Usage`/`X-Page-Usage`) with
`estimated_time_to_regain_access` in minutes, which becomes `retry_after`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import requests
from django.conf import settings

from platforms.errors import AuthExpired, RateLimited, Rejected, Transient
from platforms.http import HttpClient, parse_retry_after

DEFAULT_GRAPH_VERSION = "v23.0"
AUTH_CODES = {102, 190}
RATE_CODES = {4, 17, 32, 613}
BUC_RATE_CODES = range(80001, 80100)  # business use case throttling (pages, instagram …)
TRANSIENT_CODES = {1, 2}
USAGE_HEADERS = ("X-Business-Use-Case-Usage", "X-Page-Usage", "X-App-Usage",
                 "X-Ad-Account-Usage")
# Instagram's own "publishing limit reached" arrives as code 9 / subcode 2207042.
RATE_SUBCODES = {2207042}


def graph_version() -> str:
    return getattr(settings, "META_GRAPH_VERSION", "") or DEFAULT_GRAPH_VERSION


def graph_url(path: str = "") -> str:
    return f"https://graph.facebook.com/{graph_version()}/{path.lstrip('/')}"


def appsecret_proof(token: str, app_secret: str) -> str:
    """HMAC-SHA256 of the token with the app secret, for apps that require it."""
    return hmac.new(app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def usage_retry_after(headers) -> float | None:
    """Seconds until Meta lets us back in, from the usage headers (minutes there) or Retry-After."""
    waits: list[float] = []
    for name in USAGE_HEADERS:
        raw = headers.get(name)
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        waits.extend(_regain_minutes(data))
    if waits:
        return max(waits) * 60.0
    return parse_retry_after(headers)


def _regain_minutes(data: Any) -> list[float]:
    """Every `estimated_time_to_regain_access` in a usage header (flat or keyed by business id)."""
    found: list[float] = []
    if isinstance(data, dict):
        value = data.get("estimated_time_to_regain_access")
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            found.append(float(value))
        for nested in data.values():
            if isinstance(nested, dict | list):
                found.extend(_regain_minutes(nested))
    elif isinstance(data, list):
        for item in data:
            found.extend(_regain_minutes(item))
    return found


def error_object(body: Any) -> dict | None:
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return body["error"]
    return None


class GraphClient(HttpClient):
    """HttpClient speaking Graph API errors. Tokens go in the Authorization header, never URLs."""

    def __init__(self, platform: str = "Facebook", **kwargs):
        super().__init__(platform, **kwargs)

    def raise_for(self, response: requests.Response, *, secrets: list[str] | None = None) -> None:
        try:
            body = response.json()
        except ValueError:
            body = None
        error = error_object(body)
        if error is None:
            super().raise_for(response, secrets=secrets)
            return
        raise self.typed_error(error, response.status_code, response.headers, secrets or [])

    def typed_error(self, error: dict, status: int, headers, secrets: list[str]) -> Exception:
        code = error.get("code")
        subcode = error.get("error_subcode")
        message = error.get("error_user_msg") or error.get("message") or f"HTTP {status}"
        reason = self._scrub(str(message), secrets)
        label = f"{self.platform}: {reason}"
        if code in AUTH_CODES:
            return AuthExpired(f"{self.platform}: authorisation expired or revoked ({reason})",
                               status=status)
        if code in RATE_CODES or code in BUC_RATE_CODES or subcode in RATE_SUBCODES:
            return RateLimited(f"{self.platform}: rate limited ({reason})",
                               retry_after=usage_retry_after(headers), status=status)
        if code in TRANSIENT_CODES or status >= 500 or error.get("is_transient") is True:
            return Transient(label, status=status)
        rejected = Rejected(label, status=status)
        # Callers tell "does not exist" (code 100, subcode 33) from other refusals.
        rejected.graph_code, rejected.graph_subcode = code, subcode
        return rejected


def graph_delete(call, account, remote_id: str, platform: str) -> None:
    """`DELETE /{id}` on a Graph-shaped API (Facebook, Threads) answers `{"success": true}`.
    An object that is gone already answers code 100, subcode 33 ("Object with ID … does not
    exist"): deleted is deleted, so a retried delete succeeds."""
    from django.utils.translation import gettext as _

    from platforms.errors import Rejected

    try:
        answer = call(account, "DELETE", remote_id)
    except Rejected as exc:
        if (getattr(exc, "graph_code", None), getattr(exc, "graph_subcode", None)) == (100, 33):
            return
        raise
    if isinstance(answer, dict) and answer.get("success") is False:
        raise Rejected(_("%(platform)s did not delete the post.") % {"platform": platform})

