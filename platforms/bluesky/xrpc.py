"""XRPC over the shared HTTP helper: AT Protocol's error shapes mapped to the typed errors.

Every XRPC error body is `{"error": "<Name>", "message": "..."}`. An expired access
token answers HTTP 400 `ExpiredToken` (not 401), a bad one 400 `InvalidToken`; both
and any 401 are AuthExpired here, which the session layer turns into one refresh and
one retry. 429 carries `ratelimit-reset` (epoch seconds).
"""

from __future__ import annotations

from typing import Any

import requests

from lib.netguard import guarded_session
from platforms.http import HttpClient

AUTH_ERRORS = frozenset({"ExpiredToken", "InvalidToken"})


def error_name(body: Any) -> str:
    return body.get("error", "") if isinstance(body, dict) and isinstance(
        body.get("error"), str) else ""


class XrpcClient(HttpClient):
    """One client per provider instance. Connections go through the SSRF guard: the PDS
    address comes from a DID document, which whoever owns the identity controls."""

    def __init__(self, session: requests.Session | None = None):
        super().__init__("Bluesky", session=session or guarded_session())

    def is_auth_expired(self, response: requests.Response, body: Any) -> bool:
        if response.status_code == 401:
            return True
        return response.status_code == 400 and error_name(body) in AUTH_ERRORS

    def reason(self, response: requests.Response, body: Any) -> str:
        if isinstance(body, dict):
            name, message = error_name(body), body.get("message")
            if isinstance(message, str) and message.strip():
                return f"{message.strip()} ({name})" if name else message.strip()
            if name:
                return name
        return super().reason(response, body)

    def call(self, service: str, nsid: str, *, method: str = "GET", token: str | None = None,
             **kwargs) -> Any:
        """`{service}/xrpc/{nsid}`: a query (GET, `params=`) or a procedure (POST, `json=`)."""
        return self.json(method, f"{service.rstrip('/')}/xrpc/{nsid}", token=token, **kwargs)
