"""Connect-flow state kept in the (server-side) session between start and callback.

The provider's state (OAuth `state`, PKCE verifier, instance app) and any account choices
(which carry tokens) are encrypted before they reach the session store.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time

from lib.crypto import DecryptionFailed, decrypt, encrypt
from platforms.base import ConnectResult, RemoteAccount, Tokens

MAX_AGE = 15 * 60  # seconds a started connect flow stays valid


def _key(provider_key: str) -> str:
    return f"connect_flow:{provider_key}"


def remember(session, provider_key: str, *, org_slug: str, state: dict,
             account_id: int | None = None) -> None:
    session[_key(provider_key)] = {
        "org": org_slug, "state": encrypt(json.dumps(state)), "account_id": account_id,
        "at": time.time(),
    }


def peek_org(session, provider_key: str) -> str | None:
    flow = session.get(_key(provider_key))
    return flow.get("org") if isinstance(flow, dict) else None


def recall(session, provider_key: str, *, org_slug: str) -> tuple[dict, int | None] | None:
    """The remembered state (once: it is removed), or None when missing, foreign or stale."""
    flow = session.pop(_key(provider_key), None)
    if not isinstance(flow, dict) or flow.get("org") != org_slug:
        return None
    if time.time() - float(flow.get("at", 0)) > MAX_AGE:
        return None
    try:
        return json.loads(decrypt(flow["state"])), flow.get("account_id")
    except (DecryptionFailed, ValueError, KeyError, TypeError):
        return None


# --- account choices (one login, several accounts) ------------------------------------------

def _encode(value):
    if isinstance(value, dt.datetime):
        return {"__dt__": value.isoformat()}
    raise TypeError(type(value))


def _decode(obj):
    return dt.datetime.fromisoformat(obj["__dt__"]) if set(obj) == {"__dt__"} else obj


def store_choices(session, provider_key: str, *, org_slug: str, choices: list[ConnectResult],
                  account_id: int | None) -> None:
    payload = [dataclasses.asdict(dataclasses.replace(c, choices=[])) for c in choices]
    session[f"connect_choices:{provider_key}"] = {
        "org": org_slug, "at": time.time(), "account_id": account_id,
        "data": encrypt(json.dumps(payload, default=_encode)),
    }


def load_choices(session, provider_key: str, *, org_slug: str
                 ) -> tuple[list[ConnectResult], int | None] | None:
    flow = session.get(f"connect_choices:{provider_key}")
    if not isinstance(flow, dict) or flow.get("org") != org_slug:
        return None
    if time.time() - float(flow.get("at", 0)) > MAX_AGE:
        return None
    try:
        raw = json.loads(decrypt(flow["data"]), object_hook=_decode)
        return [ConnectResult(account=RemoteAccount(**c["account"]), tokens=Tokens(**c["tokens"]),
                              settings=c["settings"], label=c.get("label", ""))
                for c in raw], flow.get("account_id")
    except (DecryptionFailed, ValueError, KeyError, TypeError):
        return None


def clear_choices(session, provider_key: str) -> None:
    session.pop(f"connect_choices:{provider_key}", None)
