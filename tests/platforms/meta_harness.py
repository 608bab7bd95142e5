"""Fakes for the Graph API at the HTTP layer (responses), shared by the Meta test modules."""

from __future__ import annotations

import json
from email.parser import BytesParser
from pathlib import Path
from urllib.parse import parse_qs

from platforms.base import Tokens
from tests.factories import ConnectedAccountFactory

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "meta"
G = "https://graph.facebook.com/v23.0"
PAGE_ID = "112233445566778"
IG_ID = "17841405822304914"


def load(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def make_account(provider: str, external_id: str, token: str, **extra):
    account = ConnectedAccountFactory(provider=provider, external_id=external_id, **extra)
    account.set_tokens(Tokens(access_token=token))
    account.save()
    return account


def form_fields(request) -> dict[str, str]:
    """The fields of a form-encoded or multipart request body, as the platform would read them."""
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    content_type = request.headers.get("Content-Type", "")
    if content_type.startswith("multipart/"):
        message = BytesParser().parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        fields = {}
        for part in message.get_payload():
            name = part.get_param("name", header="content-disposition")
            if not part.get_filename():
                fields[name] = part.get_payload(decode=True).decode()
        return fields
    return {k: v[0] for k, v in parse_qs(body.decode()).items()}


def throttled_headers(minutes: int) -> dict[str, str]:
    usage = {PAGE_ID: [{"type": "pages", "call_count": 100, "total_cputime": 25,
                        "total_time": 25, "estimated_time_to_regain_access": minutes}]}
    return {"X-Business-Use-Case-Usage": json.dumps(usage)}


def arrange_failure(rsps, method: str, url: str, kind: str) -> str:
    """Make `url` fail as the conformance suite's `kind`; return the reason for "rejected"."""
    if kind == "auth_expired":
        rsps.add(method, url, json=load("error_190_expired"), status=400)
    elif kind == "rate_limited":
        rsps.add(method, url, json=load("error_32_page_limit"), status=400,
                 headers=throttled_headers(5))
    elif kind == "server_error":
        rsps.add(method, url, json=load("error_2_service"), status=500)
    elif kind == "rejected":
        rsps.add(method, url, json=load("error_100_invalid_param"), status=400)
        return "The link you shared is not supported."
    elif kind == "malformed":
        rsps.add(method, url, json={"unexpected": True}, status=200)
    return ""
