"""The Threads API client: Meta's Graph error envelope on Threads' own host.

Threads answers errors with the same `{"error": {"message", "type", "code",
"error_subcode", ...}}` object as the Graph API, so `GraphClient` maps them (190
expired token, 4/17/32/613 throttling, 1/2 temporary, the rest a refusal). Only the
host and the version differ: `graph.threads.net/v1.0`. Tokens travel in the
Authorization header, never in a URL, except where Threads' token endpoints take
them as a parameter (connect.py).
"""

from __future__ import annotations

from django.conf import settings

from platforms.meta.graph import GraphClient

HOST = "https://graph.threads.net"
DEFAULT_VERSION = "v1.0"
AUTHORIZE_URL = "https://threads.com/oauth/authorize"  # threads.net redirects here


def api_version() -> str:
    return getattr(settings, "THREADS_API_VERSION", "") or DEFAULT_VERSION


def api_url(path: str = "") -> str:
    return f"{HOST}/{api_version()}/{path.lstrip('/')}"


class ThreadsClient(GraphClient):
    def __init__(self, **kwargs):
        super().__init__("Threads", **kwargs)
