"""The HTTP client for Mastodon-API servers: the shared helper plus Mastodon's error shapes.

Errors come as `{"error": "..."}` (plus `error_description` on OAuth endpoints). A 401, or a
403 that says the token is invalid or the login/account is disabled, means reconnecting; a
403 "This action is outside the authorized scopes" is a refusal (the token is valid, it
just may not do this), a 422 a content rejection with the server's reason; 429 carries an
ISO-8601 `X-RateLimit-Reset`.

Not every Mastodon-API server answers a dead token with 401 JSON: some answer
`400 text/html` with a page saying "Invalid Bearer token". Any 4xx whose body says the
token is invalid, revoked or expired is therefore AuthExpired too.
"""

from __future__ import annotations

import re
from typing import Any

import requests

from lib.netguard import guarded_session
from platforms.http import HttpClient

_AUTH_403 = ("access token", "login is", "account is")
# Doorkeeper's texts ("The access token is invalid / was revoked / expired") and the
# non-standard answers of other servers ("Invalid Bearer token", "invalid_token").
_DEAD_TOKEN = re.compile(
    r"(?i)invalid\s+bearer\s+token|\binvalid_token\b|"
    r"access\s+token\s+(?:is\s+invalid|was\s+revoked|expired|has\s+expired)"
)


def _text(body: Any) -> str:
    if isinstance(body, dict):
        return " ".join(str(body.get(key, "")) for key in ("error", "error_description"))
    return body if isinstance(body, str) else ""


class MastodonClient(HttpClient):
    def __init__(self, session: requests.Session | None = None, *, platform: str = "Mastodon"):
        # Every call goes to a server a person named: the guarded session re-checks the
        # address it connects to, so a later DNS change cannot point us at a private host.
        super().__init__(platform, session=session or guarded_session())

    def is_auth_expired(self, response: requests.Response, body: Any) -> bool:
        status = response.status_code
        if status == 401:
            return True
        if status == 403 and isinstance(body, dict):
            error = str(body.get("error", "")).lower()
            if any(marker in error for marker in _AUTH_403):
                return True
        return 400 <= status < 500 and status != 429 and bool(_DEAD_TOKEN.search(_text(body)))

    def reason(self, response: requests.Response, body: Any) -> str:
        """An HTML error page is reduced to its words (the server's own wording)."""
        if isinstance(body, str) and "<" in body:
            words = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", body)
            words = re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", words)).strip()
            if words:
                return words[:300]
        return super().reason(response, body)
