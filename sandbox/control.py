"""A small client for the sandbox's admin side: knobs, faults, stats, and acting as its users.

Used by tests, benchmarks and the demo seeder. Plain `requests`; no Django.

    control = SandboxControl("http://127.0.0.1:8001")
    control.knobs(latency_ms=50)
    control.faults({"route": "POST /api/v1/statuses", "fault": "lost", "times": 2})
    control.stats()["statuses"]["by_key"]["target-42"]["created"]  # 1, exactly once
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests

ROUTE_STATUSES = "POST /api/v1/statuses"


class SandboxError(RuntimeError):
    pass


class SandboxControl:
    def __init__(self, url: str, *, secret: str = "", timeout: float = 10.0):
        self.url = url.rstrip("/")
        self.session = requests.Session()
        self.session.trust_env = False
        if secret:
            self.session.headers["X-Sandbox-Secret"] = secret
        self.timeout = timeout

    def _admin(self, method: str, path: str, payload: dict | None = None, **params) -> dict:
        response = self.session.request(method, f"{self.url}/_sandbox/{path}", json=payload,
                                        params=params or None, timeout=self.timeout)
        if response.status_code != 200:
            raise SandboxError(f"{method} /_sandbox/{path}: {response.status_code} "
                               f"{response.text[:300]}")
        return response.json()

    # --- knobs and faults ---------------------------------------------------------------
    def knobs(self, **values) -> dict:
        """Change knobs (latency_ms, error_rate, token_ttl_s, …); returns all of them."""
        return self._admin("POST", "knobs", values)["knobs"]

    def faults(self, *entries: dict) -> list[dict]:
        """Script exact faults: {"route": "POST /api/v1/statuses", "fault": "lost", "times": 1}.

        Kinds: error (status), rate_limited (retry_after), timeout, lost, drop, reject
        (status, message), malformed. Optional "account" (sandbox account id) narrows it;
        "skip" lets that many matching calls through first.
        """
        return self._admin("POST", "faults", {"faults": list(entries)})["scripted"]

    def reset(self, *, keep_knobs: bool = False) -> None:
        self._admin("POST", "reset", {"keep_knobs": keep_knobs})

    def stats(self, *, events: bool = False) -> dict:
        return self._admin("GET", "stats", **({"events": "1"} if events else {}))

    def created_count(self, idempotency_key: str) -> int:
        """How many statuses the sandbox created for this key (exactly once: 1)."""
        entry = self.stats()["statuses"]["by_key"].get(idempotency_key)
        return entry["created"] if entry else 0

    # --- the world ----------------------------------------------------------------------
    def create_account(self, username: str, display_name: str = "") -> dict:
        """A sandbox account plus tokens: {"account": {...}, "access_token", "refresh_token"}."""
        return self._admin("POST", "accounts", {"username": username,
                                                "display_name": display_name})

    def expire_tokens(self, account: str, *, revoke_refresh: bool = False) -> int:
        """Every access token of the account (id or username) answers 401 from now on."""
        return self._admin("POST", "expire_tokens", {
            "account": account, "revoke_refresh": revoke_refresh})["expired"]

    def inject(self, account: str, kind: str = "mention", *, text: str = "", author: str = "",
               author_name: str = "", in_reply_to_id: str = "") -> dict:
        """Something happens now on the account: a mention, a reply, a like … (notification)."""
        return self._admin("POST", "inject", {"account": account, "kind": kind, "text": text,
                                              "author": author, "author_name": author_name,
                                              "in_reply_to_id": in_reply_to_id or None})

    def public_post(self, text: str, *, author: str = "", ago_s: float = 0.0) -> dict:
        """Someone on the network posts publicly (listening finds it by hashtag or words)."""
        return self._admin("POST", "public", {"text": text, "author": author, "ago_s": ago_s})

    def statuses(self, account_id: str, token: str, *, limit: int = 40) -> list[dict]:
        response = self.session.get(f"{self.url}/api/v1/accounts/{account_id}/statuses",
                                    params={"limit": limit}, timeout=self.timeout,
                                    headers={"Authorization": f"Bearer {token}"})
        response.raise_for_status()
        return response.json()

    # --- acting as the person at the authorisation page ------------------------------------
    def authorize(self, authorize_url: str, *, username: str, display_name: str = "",
                  shape: str = "", deny: bool = False) -> dict[str, str]:
        """Submit the authorisation page as its user would; returns the callback's query."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
        form = {**query, "username": username, "display_name": display_name, "shape": shape,
                "decision": "deny" if deny else "authorize"}
        response = self.session.post(f"{self.url}/oauth/authorize", data=form,
                                     allow_redirects=False, timeout=self.timeout)
        if response.status_code != 302:
            raise SandboxError(f"authorize: {response.status_code} {response.text[:300]}")
        location = response.headers["Location"]
        return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}

    def alive(self) -> bool:
        try:
            return self.session.get(f"{self.url}/api/v1/instance", timeout=2).ok
        except requests.RequestException:
            return False
