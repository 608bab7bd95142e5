"""What the sandbox saw: calls per route, faults injected, and every status creation.

Tests assert exactly-once on the sandbox side (`by_key[key]["created"] == 1`);
the publish benchmark reads the server-side receive time of each post.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict


class Stats:
    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with getattr(self, "_lock", threading.Lock()):
            self.calls: Counter[str] = Counter()
            self.answers: defaultdict[str, Counter[str]] = defaultdict(Counter)
            self.faults: defaultdict[str, Counter[str]] = defaultdict(Counter)
            self.by_key: dict[str, dict] = {}
            self.by_text: Counter[tuple[str, str]] = Counter()
            self.created: list[dict] = []

    def call(self, route: str) -> None:
        with self._lock:
            self.calls[route] += 1

    def answer(self, route: str, status: int | str) -> None:
        with self._lock:
            self.answers[route][str(status)] += 1

    def fault(self, route: str, kind: str) -> None:
        with self._lock:
            self.faults[route][kind] += 1

    def status_request(self, *, account_id: str, key: str, received_at: float) -> None:
        """A POST /statuses carrying an idempotency key arrived (created or not)."""
        if not key:
            return
        with self._lock:
            entry = self._key_entry(account_id, key, received_at)
            entry["requests"] += 1

    def status_created(self, *, status: dict, key: str, received_at: float,
                       created_at: float) -> None:
        with self._lock:
            event = {"status_id": status["id"], "account_id": status["account_id"],
                     "idempotency_key": key, "received_at": received_at,
                     "created_at": created_at, "in_reply_to_id": status.get("in_reply_to_id")}
            self.created.append(event)
            self.by_text[(status["account_id"], status["text"])] += 1
            if key:
                entry = self._key_entry(status["account_id"], key, received_at)
                entry["created"] += 1
                entry["status_ids"].append(status["id"])
                entry["created_received_at"] = received_at

    def _key_entry(self, account_id: str, key: str, received_at: float) -> dict:
        entry = self.by_key.get(key)
        if entry is None:
            entry = self.by_key[key] = {
                "account_id": account_id, "requests": 0, "created": 0, "status_ids": [],
                "first_received_at": received_at, "created_received_at": None,
            }
        return entry

    def snapshot(self, *, events: bool = False) -> dict:
        with self._lock:
            data = {
                "calls": dict(self.calls),
                "answers": {route: dict(c) for route, c in self.answers.items()},
                "faults": {route: dict(c) for route, c in self.faults.items()},
                "statuses": {
                    "created": len(self.created),
                    "by_key": {k: {**v, "status_ids": list(v["status_ids"])}
                               for k, v in self.by_key.items()},
                    "duplicate_keys": sorted(k for k, v in self.by_key.items()
                                             if v["created"] > 1),
                    "duplicate_texts": sum(n - 1 for n in self.by_text.values() if n > 1),
                },
            }
            if events:
                data["statuses"]["events"] = list(self.created)
            return data
