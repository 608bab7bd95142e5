"""A fake X API v2 at the HTTP layer (`responses`), answering with recorded fixtures."""

from __future__ import annotations

import json
from pathlib import Path

from platforms.base import Tokens
from tests.factories import ConnectedAccountFactory

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "x"
API = "https://api.x.com"
USER_ID = "2244994945"
TOKEN = "x-secret-access-token-1234567890"
REFRESH = "x-secret-refresh-token-0987654321"


def fixture(name: str):
    return json.loads((FIXTURES / f"{name}.json").read_text())


def make_account(**kwargs):
    account = ConnectedAccountFactory(
        provider="x", external_id=USER_ID, handle="@acmecorp",
        settings={"user_id": USER_ID, "username": "acmecorp"}, **kwargs)
    account.set_tokens(Tokens(access_token=TOKEN, refresh_token=REFRESH))
    account.save()
    return account


def sent_json(call) -> dict:
    return json.loads(call.request.body)
