"""The HTTP client for X API v2: the shared helper plus X's problem+json error shapes.

Errors are `{"title", "detail", "type", "status"}` (problem+json), sometimes with an
`errors` list whose `message` says which parameter was wrong; 429 carries
`x-rate-limit-reset` as epoch seconds (read by the shared helper). A dead token is a 401
(v2: `{"title": "Unauthorized"}`) or, on the v1.1 endpoints still in use (media),
`{"errors": [{"code": 89, "message": "Invalid or expired token."}]}` — AuthExpired either way.
"""

from __future__ import annotations

from typing import Any

import requests

from platforms.http import HttpClient, reason_from_body

AUTH_CODES = frozenset({89})  # "Invalid or expired token."
API = "https://api.x.com"
AUTHORIZE_URL = "https://x.com/i/oauth2/authorize"
TOKEN_URL = f"{API}/2/oauth2/token"


class XClient(HttpClient):
    def __init__(self) -> None:
        super().__init__("X")

    def is_auth_expired(self, response: requests.Response, body: Any) -> bool:
        if response.status_code == 401:
            return True
        errors = body.get("errors") if isinstance(body, dict) else None
        return isinstance(errors, list) and any(
            isinstance(e, dict) and e.get("code") in AUTH_CODES for e in errors)

    def reason(self, response: requests.Response, body: Any) -> str:
        """`detail` first (the duplicate-content text), then the parameter messages."""
        if isinstance(body, dict):
            parts = [str(body[key]).strip() for key in ("detail", "error_description")
                     if isinstance(body.get(key), str) and body[key].strip()]
            errors = body.get("errors")
            if isinstance(errors, list):
                parts += [str(e["message"]).strip() for e in errors[:2]
                          if isinstance(e, dict) and isinstance(e.get("message"), str)]
            if parts:
                return " ".join(dict.fromkeys(parts))[:500]
        return reason_from_body(body) or f"HTTP {response.status_code}"
