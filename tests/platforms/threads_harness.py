"""Fakes for the Threads API at the HTTP layer (responses), from tests/fixtures/threads."""

from __future__ import annotations

import io
import json
from pathlib import Path

from platforms.base import MediaFile, Tokens
from tests.factories import ConnectedAccountFactory
from tests.platforms.conformance import png_bytes
from tests.platforms.meta_harness import form_fields

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "threads"
API = "https://graph.threads.net/v1.0"
HOST = "https://graph.threads.net"
USER_ID = "25034567890123456"
CONTAINER = "17889615691921648"
MEDIA_ID = "18050206876707110"
REPLY_ID = "18061122334455667"

__all__ = ["API", "CONTAINER", "HOST", "MEDIA_ID", "REPLY_ID", "USER_ID", "form_fields",
           "image", "load", "make_account", "video"]


def load(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


USER_TOKEN = "threads-user-token"


def make_account(token: str = USER_TOKEN, **extra):
    account = ConnectedAccountFactory(provider="threads", external_id=USER_ID,
                                      handle="acme.gmbh", settings={"username": "acme.gmbh"},
                                      **extra)
    account.set_tokens(Tokens(access_token=token, refresh_token=token))
    account.save()
    return account


def image(name: str = "square.jpg", alt: str = "A red square on white") -> MediaFile:
    data = png_bytes()
    return MediaFile(filename=name, content_type="image/jpeg", size=len(data), alt_text=alt,
                     open=lambda: io.BytesIO(data), public_url=f"https://media.example/{name}")


def video(name: str = "clip.mp4", alt: str = "") -> MediaFile:
    return MediaFile(filename=name, content_type="video/mp4", size=2048, alt_text=alt,
                     open=lambda: io.BytesIO(b"\0" * 2048),
                     public_url=f"https://media.example/{name}")


def arrange_publish(rsps, statuses=("status_finished",), *, limit="publishing_limit"):
    rsps.add("GET", f"{API}/{USER_ID}/threads_publishing_limit", json=load(limit))
    rsps.add("POST", f"{API}/{USER_ID}/threads", json=load("container_created"))
    for status in statuses:
        rsps.add("GET", f"{API}/{CONTAINER}", json=load(status))
    rsps.add("POST", f"{API}/{USER_ID}/threads_publish", json=load("published"))
    rsps.add("GET", f"{API}/{MEDIA_ID}", json=load("media_permalink"))


def throttled_headers(minutes: int) -> dict[str, str]:
    usage = {USER_ID: [{"type": "threads", "call_count": 100, "total_cputime": 25,
                        "total_time": 25, "estimated_time_to_regain_access": minutes}]}
    return {"X-Business-Use-Case-Usage": json.dumps(usage)}


def arrange_failure(rsps, method: str, url: str, kind: str) -> str:
    """Make `url` fail as the conformance suite's `kind`; return the reason for "rejected"."""
    if kind == "auth_expired":
        rsps.add(method, url, json=load("error_190_expired"), status=400)
    elif kind == "rate_limited":
        rsps.add(method, url, json=load("error_4_rate"), status=400,
                 headers=throttled_headers(5))
    elif kind == "server_error":
        rsps.add(method, url, json=load("error_2_service"), status=500)
    elif kind == "rejected":
        rsps.add(method, url, json=load("error_100_invalid_param"), status=400)
        return "The text of the post is longer than 500 characters."
    elif kind == "malformed":
        rsps.add(method, url, json={"unexpected": True}, status=200)
    return ""
