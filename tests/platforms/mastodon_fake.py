"""A fake Mastodon server at the HTTP layer (`responses`), answering with recorded fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import responses

from platforms.base import Tokens
from tests.factories import ConnectedAccountFactory

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mastodon"
BASE = "http://127.0.0.1:3999"  # loopback: allowed only with SSRF_ALLOW_LOOPBACK (tests)
ACCOUNT_ID = "109302848239512345"
TOKEN = "mastodon-secret-token-1234567890"


def fixture(name: str):
    return json.loads((FIXTURES / f"{name}.json").read_text())


def fixture_text(name: str) -> str:
    """A recorded non-JSON answer (e.g. the HTML error page some servers send)."""
    return (FIXTURES / name).read_text()


def add_invalid_bearer_token(rsps: responses.RequestsMock, method: str, path: str) -> None:
    """What some Mastodon-API servers answer for a dead token: 400 text/html, not 401 JSON."""
    rsps.add(method, f"{BASE}{path}", status=400, content_type="text/html",
             body=fixture_text("error_invalid_bearer_token.html"))


def make_account(*, software: str = "mastodon", configuration: dict | None = None, **kwargs):
    kwargs.setdefault("external_id", f"{ACCOUNT_ID}@social.example")
    account = ConnectedAccountFactory(
        provider="mastodon", handle="@acme@social.example",
        settings={"instance_url": BASE, "domain": "social.example", "software": software,
                  "account_id": ACCOUNT_ID, "configuration": configuration or {}},
        **kwargs,
    )
    account.set_tokens(Tokens(access_token=TOKEN))
    account.save()
    return account


def add_instance(rsps: responses.RequestsMock, name: str = "instance_v2") -> None:
    rsps.add(responses.GET, f"{BASE}/api/v2/instance", json=fixture(name))


def add_status_created(rsps, **overrides) -> None:
    rsps.add(responses.POST, f"{BASE}/api/v1/statuses",
             json={**fixture("status_created"), **overrides})


def sent_json(call) -> dict:
    return json.loads(call.request.body)
