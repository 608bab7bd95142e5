"""Changes to the world: accounts, tokens, statuses, notifications and generated activity.

Callers hold `state.lock` (every function here assumes it).
"""

from __future__ import annotations

import re
import secrets

from sandbox import activity, shapes
from sandbox.state import State

USERNAME = re.compile(r"^[A-Za-z0-9_]{1,30}$")


def local_account(state: State, username: str, display_name: str = "",
                  shape: str = "") -> dict:
    """The local account called `username`, created on first use (shaped like `shape`)."""
    world = state.world
    existing = world["usernames"].get(username.lower())
    if existing:
        return world["accounts"][existing]
    account_id = state.new_id()
    now = state.now()
    account = {
        "id": account_id, "username": username, "acct": username,
        "display_name": display_name or username, "created_at": now, "remote": False,
        "note": "A sandbox account.", "statuses_count": 0,
        "shape": shape if shape in shapes.SHAPES else shapes.DEFAULT,
    }
    world["accounts"][account_id] = account
    world["usernames"][username.lower()] = account_id
    world["notifications"][account_id] = []
    world["activity_until"][account_id] = now - state.knobs.backfill_hours * 3600
    state.touch()
    return account


def remote_account(state: State, username: str, domain: str, display_name: str) -> dict:
    world = state.world
    acct = f"{username}@{domain}"
    existing = world["usernames"].get(acct.lower())
    if existing:
        return world["accounts"][existing]
    account_id = str(activity.digest("remote", acct) >> 1)
    account = {"id": account_id, "username": username, "acct": acct, "remote": True,
               "display_name": display_name, "created_at": 1_600_000_000.0, "note": "",
               "statuses_count": 0}
    world["accounts"][account_id] = account
    world["usernames"][acct.lower()] = account_id
    return account


# --- tokens -------------------------------------------------------------------------------

def issue_tokens(state: State, *, account_id: str, client_id: str, scope: str,
                 refresh_token: str = "") -> dict:
    now = state.now()
    access = secrets.token_urlsafe(32)
    ttl = int(state.knobs.token_ttl_s)
    state.world["tokens"][access] = {"account_id": account_id, "client_id": client_id,
                                     "scope": scope, "expires_at": now + ttl if ttl else None,
                                     "revoked": False}
    if not refresh_token:
        refresh_token = secrets.token_urlsafe(32)
        state.world["refresh_tokens"][refresh_token] = {
            "account_id": account_id, "client_id": client_id, "scope": scope, "revoked": False}
    state.touch()
    answer = {"access_token": access, "token_type": "Bearer", "scope": scope,
              "created_at": int(now), "refresh_token": refresh_token}
    if ttl:
        answer["expires_in"] = ttl
    return answer


def token_problem(state: State, token: str) -> tuple[dict | None, str]:
    """(account, "") for a good token, else (None, why)."""
    grant = state.world["tokens"].get(token) if token else None
    if grant is None or grant["revoked"]:
        return None, "The access token is invalid"
    if grant["expires_at"] is not None and grant["expires_at"] <= state.now():
        return None, "The access token expired"
    return state.world["accounts"].get(grant["account_id"]), ""


def expire_tokens(state: State, account_id: str, *, revoke_refresh: bool) -> int:
    """Force-expire every access token of the account (and its refresh tokens if asked)."""
    count = 0
    for grant in state.world["tokens"].values():
        if grant["account_id"] == account_id and not grant["revoked"]:
            grant["revoked"] = True
            count += 1
    if revoke_refresh:
        for grant in state.world["refresh_tokens"].values():
            if grant["account_id"] == account_id:
                grant["revoked"] = True
    state.touch()
    return count


# --- statuses ---------------------------------------------------------------------------

def create_status(state: State, *, account_id: str, text: str, media_ids: list[str],
                  in_reply_to_id: str | None, key: str = "", at: float | None = None) -> dict:
    world = state.world
    status_id = state.new_id(at)
    status = {"id": status_id, "account_id": account_id, "text": text,
              "media_ids": list(media_ids), "in_reply_to_id": in_reply_to_id or None,
              "created_at": state.now() if at is None else at, "idempotency_key": key,
              "replies_count": 0, "deleted_at": None, "visibility": "public"}
    world["statuses"][status_id] = status
    for media_id in media_ids:
        world["media"][media_id]["status_id"] = status_id
    if key:
        world["idempotency"][f"{account_id}:{key}"] = status_id
    parent = world["statuses"].get(in_reply_to_id or "")
    if parent:
        parent["replies_count"] = parent.get("replies_count", 0) + 1
    world["accounts"][account_id]["statuses_count"] += 1
    state.touch()
    return status


def delete_status(state: State, status: dict) -> None:
    status["deleted_at"] = state.now()
    account = state.world["accounts"][status["account_id"]]
    account["statuses_count"] = max(0, account["statuses_count"] - 1)
    parent = state.world["statuses"].get(status.get("in_reply_to_id") or "")
    if parent:
        parent["replies_count"] = max(0, parent.get("replies_count", 0) - 1)
    state.touch()


def live_statuses(state: State, account_id: str, before: float | None = None) -> list[dict]:
    return [s for s in state.world["statuses"].values()
            if s["account_id"] == account_id and not s["deleted_at"]
            and (before is None or s["created_at"] < before)]


def add_notification(state: State, *, account_id: str, kind: str, from_account_id: str,
                     status_id: str | None, at: float | None = None) -> dict:
    note = {"id": state.new_id(at), "type": kind, "created_at": state.now() if at is None else at,
            "from_account_id": from_account_id, "status_id": status_id}
    notes = state.world["notifications"].setdefault(account_id, [])
    notes.append(note)
    notes.sort(key=lambda n: int(n["id"]))
    state.touch()
    return note


# --- activity arriving over time ------------------------------------------------------------

def catch_up(state: State, account_id: str) -> None:
    """Write the activity due for this account up to the pretend now."""
    account = state.world["accounts"].get(account_id)
    if not account or account.get("remote"):
        return
    now = state.now()
    since = state.world["activity_until"].get(account_id, account["created_at"])
    since = max(since, now - min(activity.MAX_CATCH_UP_S, state.knobs.max_catch_up_s))
    if now - since < 1:
        return
    events = activity.planned_events(state.knobs.seed, account_id, since, now,
                                     state.knobs.activity_per_hour)
    for at, roll in events:
        _generate(state, account, at, roll)
    state.world["activity_until"][account_id] = now
    state.touch()


def _generate(state: State, account: dict, at: float, roll: float) -> None:
    seed = state.knobs.seed
    own = live_statuses(state, account["id"], before=at)
    kind = activity.choose_kind(roll, bool(own))
    username, domain, name = activity.person(seed, account["id"], at)
    author = remote_account(state, username, domain, name)
    target = own[activity.digest(seed, account["id"], at, "target") % len(own)] if own else None
    status_id = None
    if kind == "reply" and target:
        text = f"@{account['username']} " + activity.remark(seed, account["id"], at)
        status_id = create_status(state, account_id=author["id"], text=text, media_ids=[],
                                  in_reply_to_id=target["id"], at=at)["id"]
        kind = "mention"  # Mastodon reports replies as mentions that answer a status
    elif kind == "mention":
        text = f"@{account['username']} " + activity.remark(seed, account["id"], at)
        status_id = create_status(state, account_id=author["id"], text=text, media_ids=[],
                                  in_reply_to_id=None, at=at)["id"]
    elif kind in ("favourite", "reblog") and target:
        status_id = target["id"]
    add_notification(state, account_id=account["id"], kind=kind, from_account_id=author["id"],
                     status_id=status_id, at=at)


def inject(state: State, *, account: dict, kind: str, text: str, author: str,
           in_reply_to_id: str | None, author_name: str = "") -> dict:
    """A test or the demo makes something happen now (a comment, a mention, a like …)."""
    seed = state.knobs.seed
    if author:
        username, _, domain = author.partition("@")
        name = author_name or username.title()
        author_account = remote_account(state, username, domain or "sandbox.example", name)
    else:
        username, domain, name = activity.person(seed, account["id"], state.now())
        author_account = remote_account(state, username, domain, name)
    status_id = None
    if kind in ("mention", "reply"):
        if kind == "reply" and not in_reply_to_id:
            own = live_statuses(state, account["id"])
            in_reply_to_id = max(own, key=lambda s: s["created_at"])["id"] if own else None
        body = text or activity.sentence(activity.REPLIES, seed, state.now(), "inject")
        if f"@{account['username']}" not in body:
            body = f"@{account['username']} {body}"
        status_id = create_status(state, account_id=author_account["id"], text=body,
                                  media_ids=[], in_reply_to_id=in_reply_to_id)["id"]
        kind = "mention"
    elif kind in ("favourite", "reblog"):
        status_id = in_reply_to_id
    return add_notification(state, account_id=account["id"], kind=kind,
                            from_account_id=author_account["id"], status_id=status_id)
