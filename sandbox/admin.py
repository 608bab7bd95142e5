"""`/_sandbox/…`: knobs, scripted faults, stats, reset, and shortcuts for tests and the demo.

Protected by the `X-Sandbox-Secret` header when the server has an admin secret;
without one, only loopback clients may call these.
"""

from __future__ import annotations

import hmac
import ipaddress

from sandbox import render, world
from sandbox.knobs import FaultPlan, Knobs
from sandbox.state import State
from sandbox.stats import Stats
from sandbox.web import HttpError, Request, Response, json_response

INJECT_KINDS = ("mention", "reply", "favourite", "reblog", "follow")


class Admin:
    def __init__(self, state: State, stats: Stats, faults: FaultPlan, secret: str = ""):
        self.state, self.stats, self.faults, self.secret = state, stats, faults, secret
        self._defaults = Knobs(**state.knobs.as_dict())
        self.on_reset = lambda: None  # the app clears its rate-limit windows

    def check(self, req: Request) -> None:
        if self.secret:
            given = req.headers.get("x-sandbox-secret", "")
            if not hmac.compare_digest(given.encode(), self.secret.encode()):
                raise HttpError(403, "Wrong or missing X-Sandbox-Secret")
            return
        try:
            loopback = ipaddress.ip_address(req.remote_addr).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise HttpError(403, "Admin endpoints are open to loopback clients only")

    def get_knobs(self, req: Request) -> Response:
        return json_response({"knobs": self.state.knobs.as_dict(),
                              "scripted": self.faults.pending()})

    def set_knobs(self, req: Request) -> Response:
        data = req.json()
        script = data.pop("script", None)
        try:
            with self.state.lock:
                self.state.knobs.update(data)
            if "seed" in data:
                self.faults.reseed()
            if script is not None:
                if not isinstance(script, list):
                    raise ValueError("script must be a list of faults")
                self.faults.script(script)
        except ValueError as exc:
            raise HttpError(400, str(exc)) from None
        return self.get_knobs(req)

    def add_faults(self, req: Request) -> Response:
        """POST /_sandbox/faults {"faults": [{"route": "POST /api/v1/statuses", "fault": "lost",
        "times": 2}]} — the next matching calls get exactly these faults, in order."""
        entries = req.json().get("faults")
        try:
            if not isinstance(entries, list):
                raise ValueError("faults must be a list")
            self.faults.script(entries)
        except ValueError as exc:
            raise HttpError(400, str(exc)) from None
        return self.get_knobs(req)

    def stats_view(self, req: Request) -> Response:
        data = self.stats.snapshot(events=req.arg("events") in ("1", "true"))
        with self.state.lock:
            w = self.state.world
            data["world"] = {
                "accounts": sum(1 for a in w["accounts"].values() if not a.get("remote")),
                "statuses": sum(1 for s in w["statuses"].values() if not s["deleted_at"]),
                "media": len(w["media"]),
                "tokens": len(w["tokens"]),
            }
        return json_response(data)

    def reset(self, req: Request) -> Response:
        """Forget everything; `{"keep_knobs": true}` keeps the current knobs."""
        keep = bool(req.json().get("keep_knobs")) if req.body else False
        with self.state.lock:
            self.state.reset()
            if not keep:
                self.state.knobs.update(self._defaults.as_dict())
        self.faults.clear()
        self.faults.reseed()
        self.stats.reset()
        self.on_reset()
        return json_response({"ok": True})

    def create_account(self, req: Request) -> Response:
        """A local account and a token for it in one call (benchmarks set up 100 accounts)."""
        data = req.json()
        username = str(data.get("username", "")).strip()
        if not world.USERNAME.match(username):
            raise HttpError(400, "username: letters, digits and _ only (at most 30)")
        with self.state.lock:
            account = world.local_account(self.state, username,
                                          str(data.get("display_name") or ""),
                                          str(data.get("shape") or ""))
            tokens = world.issue_tokens(self.state, account_id=account["id"],
                                        client_id=str(data.get("client_id") or "sandbox-admin"),
                                        scope="read write")
            body = {"account": render.account_json(self.state, account, req.base_url), **tokens}
        return json_response(body)

    def expire_tokens(self, req: Request) -> Response:
        """{"account": id or username, "revoke_refresh": false} → its tokens answer 401."""
        data = req.json()
        with self.state.lock:
            account = self._account(str(data.get("account", "")))
            count = world.expire_tokens(self.state, account["id"],
                                        revoke_refresh=bool(data.get("revoke_refresh")))
        return json_response({"expired": count})

    def inject(self, req: Request) -> Response:
        """Something happens now: {"account", "kind": mention|reply|favourite|reblog|follow,
        "text", "author": "name@domain", "author_name", "in_reply_to_id"} → the notification."""
        data = req.json()
        kind = data.get("kind", "mention")
        if kind not in INJECT_KINDS:
            raise HttpError(400, f"kind must be one of {', '.join(INJECT_KINDS)}")
        with self.state.lock:
            account = self._account(str(data.get("account", "")))
            reply_to = str(data.get("in_reply_to_id") or "") or None
            if reply_to and reply_to not in self.state.world["statuses"]:
                raise HttpError(404, "in_reply_to_id: no such status")
            world.catch_up(self.state, account["id"])
            note = world.inject(self.state, account=account, kind=kind,
                                text=str(data.get("text") or ""),
                                author=str(data.get("author") or ""), in_reply_to_id=reply_to,
                                author_name=str(data.get("author_name") or ""))
            return json_response(render.notification_json(self.state, note, req.base_url))

    def public_post(self, req: Request) -> Response:
        """Someone posts publicly: {"text", "author": "name@domain", "ago_s": 0} → the status."""
        from sandbox import listening

        data = req.json()
        text = str(data.get("text") or "").strip()
        if not text:
            raise HttpError(400, "text: required")
        try:
            ago = max(0.0, float(data.get("ago_s") or 0))
        except (TypeError, ValueError):
            raise HttpError(400, "ago_s: a number of seconds") from None
        with self.state.lock:
            status = listening.public_post(self.state, author=str(data.get("author") or ""),
                                           text=text, ago_s=ago)
            return json_response(render.status_json(self.state, status, req.base_url))

    def save(self, req: Request) -> Response:
        self.state.save()
        return json_response({"saved": bool(self.state.path)})

    def _account(self, ref: str) -> dict:
        w = self.state.world
        account = w["accounts"].get(ref) or w["accounts"].get(
            w["usernames"].get(ref.lstrip("@").lower(), ""))
        if account is None or account.get("remote"):
            raise HttpError(404, "account: no such local account")
        return account
