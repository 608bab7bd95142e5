"""LinkedIn's REST API plumbing: versioned headers, error mapping, URN encoding, little text.

Every `/rest` call carries `LinkedIn-Version: YYYYMM` (settings.LINKEDIN_API_VERSION;
versions are sunset on a rolling basis) and `X-Restli-Protocol-Version: 2.0.0`.
Errors: 401, and serviceErrorCode 65600 (invalid token) or 65601 (`EXPIRED_ACCESS_TOKEN`,
`REVOKED_ACCESS_TOKEN`) whatever the status → AuthExpired; 429 → RateLimited, and since
LinkedIn sends no Retry-After and resets its daily quotas at midnight UTC, `retry_after`
is the time until then; 400/403/422 → Rejected with LinkedIn's `message`; 5xx → Transient.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

import requests
from django.conf import settings

from platforms.errors import RateLimited
from platforms.http import HttpClient, parse_retry_after

API = "https://api.linkedin.com"
REST = f"{API}/rest"
AUTHORIZE_URL = "https://www.linkedin.com/oauth/v2/authorization"
TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken"  # noqa: S105 - a URL
AUTH_SERVICE_CODES = frozenset({65600, 65601})
AUTH_CODES = frozenset({"INVALID_ACCESS_TOKEN", "EXPIRED_ACCESS_TOKEN", "REVOKED_ACCESS_TOKEN"})
# LinkedIn's "little text" markup: these characters must be escaped in commentary.
_RESERVED = re.compile(r"([\\|{}@\[\]()<>#*_~])")
_HASHTAG = re.compile(r"(?<![\w#])#(\w+)")


def rest_headers() -> dict[str, str]:
    return {"LinkedIn-Version": settings.LINKEDIN_API_VERSION,
            "X-Restli-Protocol-Version": "2.0.0"}


def urn_path(urn: str) -> str:
    """A URN as one path segment (`urn:li:share:1` → `urn%3Ali%3Ashare%3A1`)."""
    return quote(urn, safe="")


def little_text(text: str) -> str:
    """Escape reserved characters, keeping #hashtags as LinkedIn hashtag templates."""
    out, last = [], 0
    for match in _HASHTAG.finditer(text):
        out.append(_RESERVED.sub(r"\\\1", text[last:match.start()]))
        out.append("{hashtag|\\#|" + _RESERVED.sub(r"\\\1", match.group(1)) + "}")
        last = match.end()
    out.append(_RESERVED.sub(r"\\\1", text[last:]))
    return "".join(out)


def seconds_until_utc_midnight(now: dt.datetime | None = None) -> float:
    now = now or dt.datetime.now(dt.UTC)
    midnight = (now + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - now).total_seconds()


class LinkedInClient(HttpClient):
    def __init__(self) -> None:
        super().__init__("LinkedIn")

    def is_auth_expired(self, response: requests.Response, body) -> bool:
        if response.status_code == 401:
            return True
        return isinstance(body, dict) and (body.get("serviceErrorCode") in AUTH_SERVICE_CODES
                                           or body.get("code") in AUTH_CODES)

    def raise_for(self, response: requests.Response, *, secrets: list[str] | None = None) -> None:
        if response.status_code == 429:
            retry = parse_retry_after(response.headers)
            try:
                body = response.json()
            except ValueError:
                body = None
            reason = self._scrub(self.reason(response, body), secrets or [])
            raise RateLimited(
                f"LinkedIn: rate limited ({reason})",
                retry_after=retry if retry is not None else seconds_until_utc_midnight(),
            )
        super().raise_for(response, secrets=secrets)
