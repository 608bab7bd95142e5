"""The HTTP client for Mastodon-API servers: the shared helper plus Mastodon's error shapes.

Errors come as `{"error": "..."}` (plus `error_description` on OAuth endpoints). A 401, or a
403 that says the token is invalid or lacks a scope, means reconnecting; a 422 is a content
rejection with the server's reason; 429 carries an ISO-8601 `X-RateLimit-Reset`.
"""

from __future__ import annotations

from typing import Any

import requests

from lib.netguard import guarded_session
from platforms.http import HttpClient

_AUTH_403 = ("access token", "authorized scopes", "login is", "account is")


class MastodonClient(HttpClient):
    def __init__(self, session: requests.Session | None = None):
        # Every call goes to a server a person named: the guarded session re-checks the
        # address it connects to, so a later DNS change cannot point us at a private host.
        super().__init__("Mastodon", session=session or guarded_session())

    def is_auth_expired(self, response: requests.Response, body: Any) -> bool:
        if response.status_code == 401:
            return True
        if response.status_code == 403 and isinstance(body, dict):
            error = str(body.get("error", "")).lower()
            return any(marker in error for marker in _AUTH_403)
        return False
