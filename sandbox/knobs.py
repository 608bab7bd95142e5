"""Knobs: how badly (or slowly) the sandbox behaves, and which faults it injects.

Faults are decided per call. Random faults come from a seeded generator, so a
test that fixes `seed` and calls in order gets the same faults every run; scripted
faults ("the next 2 calls to POST /api/v1/statuses are lost") are exact.

Fault kinds:
- `error`: answer 500/502/503 without doing anything.
- `rate_limited`: answer 429 with `Retry-After` without doing anything.
- `timeout`: sleep `timeout_s` (past the client's timeout), then do the work anyway,
  like a real server whose client gave up.
- `lost`: do the work, then lose the answer (`lost_mode` "502" or "drop" the connection).
- `drop`: drop the connection without doing anything.
- `reject` (scripted only): answer 422 with `message`, like a content rejection.
- `malformed` (scripted only): answer 200 with a body that is not the documented shape.
"""

from __future__ import annotations

import os
import random
import threading
from dataclasses import asdict, dataclass, field, fields

FAULT_KINDS = ("error", "rate_limited", "timeout", "lost", "drop", "reject", "malformed")


@dataclass
class Knobs:
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    error_rate: float = 0.0
    error_statuses: list[int] = field(default_factory=lambda: [500, 502, 503])
    throttle_rate: float = 0.0  # random 429s, on top of the real per-account rate limit
    timeout_rate: float = 0.0
    timeout_s: float = 30.0
    lost_rate: float = 0.0
    lost_mode: str = "502"  # "502" | "drop"
    # Which routes random faults hit ("POST /api/v1/statuses"); empty: every API and OAuth
    # token route (never the authorisation page or /_sandbox/).
    fault_routes: list[str] = field(default_factory=list)
    seed: int = 1
    rate_limit_calls: int = 300  # per account per window, like Mastodon (0: off)
    rate_limit_window_s: float = 300.0
    retry_after_s: float = 0.0  # for random 429s; 0 means "until the window resets" (≥1 s)
    token_ttl_s: int = 86400
    clock_offset_s: float = 0.0  # fast-forward the pretend clock (activity, metrics, expiry)
    activity_per_hour: float = 6.0  # comments, mentions, likes … per account
    backfill_hours: float = 0.0  # activity generated before an account was created
    # Public posts by people on the network with hashtags and brand names (listening, trends).
    public_per_hour: float = 6.0
    public_backfill_days: float = 30.0
    public_backfill_per_hour: float = -1.0  # the backfill's rate (below 0: public_per_hour)
    # After a pause (a saved state file), at most this much missed activity is made up.
    max_catch_up_s: float = 30 * 86400.0
    max_characters: int = 500
    characters_reserved_per_url: int = 23
    max_media_attachments: int = 4
    image_size_limit: int = 16 * 1024 * 1024
    video_size_limit: int = 99 * 1024 * 1024
    supported_mime_types: list[str] = field(default_factory=lambda: [
        "image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4", "video/webm",
    ])

    @classmethod
    def from_env(cls, *, demo: bool = False, **overrides) -> Knobs:
        """Defaults (the demo's trickle if `demo`), then SANDBOX_<KNOB> environment
        variables, then explicit overrides."""
        knobs = cls()
        if demo:
            knobs.update(demo_knobs(float(os.environ.get("DEMO_ACTIVITY_PER_MINUTE") or
                                          DEMO_ACTIVITY_DEFAULT), DEMO_ACCOUNTS))
        values = {}
        for f in fields(cls):
            raw = os.environ.get(f"SANDBOX_{f.name.upper()}")
            if raw not in (None, ""):
                values[f.name] = raw.split(",") if f.name in _LIST_FIELDS else raw
        knobs.update(values)
        knobs.update({k: v for k, v in overrides.items() if v is not None})
        return knobs

    def update(self, values: dict) -> None:
        """Set knobs from JSON-ish values; a bad name or value raises ValueError."""
        parsed = {}
        names = {f.name: f for f in fields(self)}
        for name, value in values.items():
            if name not in names:
                raise ValueError(f"unknown knob {name!r}")
            parsed[name] = _coerce(name, names[name].type, value)
        if "lost_mode" in parsed and parsed["lost_mode"] not in ("502", "drop"):
            raise ValueError("lost_mode must be '502' or 'drop'")
        for name, value in parsed.items():
            setattr(self, name, value)

    def as_dict(self) -> dict:
        return asdict(self)


_LIST_FIELDS = {"error_statuses", "fault_routes", "supported_mime_types"}

# The demo's calm trickle: new inbox items across all demo accounts, per minute.
DEMO_ACTIVITY_DEFAULT = 2.0
DEMO_ACTIVITY_MAX = 5.0
DEMO_ACCOUNTS = 5  # accounts.demo.DEMO_ACCOUNTS
DEMO_PUBLIC_BACKFILL_DAYS = 7.0
DEMO_PUBLIC_BACKFILL_PER_HOUR = 0.4  # about 65 public posts over the week
DEMO_MAX_CATCH_UP_S = 15 * 60.0
NOTIFICATIONS_PER_INBOX_ITEM = 2  # about half of the activity is mentions and replies


def demo_knobs(per_minute: float, accounts: int) -> dict:
    """Knobs for a demo whose inbox gets about `per_minute` new items a minute (at most
    DEMO_ACTIVITY_MAX; 0 switches new activity off), spread over `accounts` accounts.

    Half of the rate comes as mentions and replies to the accounts (notifications are twice
    that: likes, boosts and follows too), a quarter as public posts that listening may pick
    up. No mentions are backfilled (the demo seeder writes the history itself); the public
    posts of the last week are, sparsely, so listening and its trends have something to show.
    """
    rate = min(max(float(per_minute), 0.0), DEMO_ACTIVITY_MAX)
    per_account = rate * 60 / 2 * NOTIFICATIONS_PER_INBOX_ITEM / max(1, accounts)
    return {"activity_per_hour": per_account, "public_per_hour": rate * 60 / 4,
            "backfill_hours": 0.0, "public_backfill_days": DEMO_PUBLIC_BACKFILL_DAYS,
            "public_backfill_per_hour": DEMO_PUBLIC_BACKFILL_PER_HOUR,
            # the morning after: a demo that was stopped overnight does not make up the night
            "max_catch_up_s": DEMO_MAX_CATCH_UP_S}


def _coerce(name: str, kind: str, value):
    try:
        if name in _LIST_FIELDS:
            if not isinstance(value, list):
                raise ValueError
            return [int(v) for v in value] if name == "error_statuses" else [str(v) for v in value]
        if kind == "float":
            number = float(value)
        elif kind == "int":
            number = int(value)
        else:
            return str(value)
    except (TypeError, ValueError):
        raise ValueError(f"knob {name!r} has a bad value: {value!r}") from None
    if number < 0 and name not in ("clock_offset_s", "public_backfill_per_hour"):
        raise ValueError(f"knob {name!r} cannot be negative")
    if name.endswith("_rate") and number > 1:
        raise ValueError(f"knob {name!r} is a fraction between 0 and 1")
    return number


@dataclass
class Fault:
    kind: str
    status: int | None = None
    retry_after: float | None = None
    message: str = ""


@dataclass
class ScriptedFault:
    route: str  # "POST /api/v1/statuses", or "*" for any /api/ route
    fault: Fault
    remaining: int
    account: str = ""  # only calls by this account id (empty: any)
    skip: int = 0  # let this many matching calls through first ("part 3 of 5 fails")


class FaultPlan:
    """Decides, call by call, which fault (if any) to inject. Thread-safe."""

    def __init__(self, knobs: Knobs):
        self._lock = threading.Lock()
        self._knobs = knobs
        self._rng = random.Random(knobs.seed)
        self._script: list[ScriptedFault] = []

    def reseed(self) -> None:
        with self._lock:
            self._rng = random.Random(self._knobs.seed)

    def script(self, entries: list[dict]) -> None:
        """Append scripted faults: [{route, fault, times, status, retry_after, account, skip}]."""
        parsed = [_parse_scripted(entry) for entry in entries]
        with self._lock:
            self._script.extend(parsed)

    def clear(self) -> None:
        with self._lock:
            self._script.clear()

    def pending(self) -> list[dict]:
        with self._lock:
            return [{"route": s.route, "fault": s.fault.kind, "remaining": s.remaining,
                     "skip": s.skip,
                     "account": s.account} for s in self._script]

    def decide(self, route: str, account_id: str) -> Fault | None:
        with self._lock:
            for scripted in self._script:
                if scripted.route not in ("*", route):
                    continue
                if scripted.account and scripted.account != account_id:
                    continue
                if scripted.skip > 0:
                    scripted.skip -= 1
                    return None
                scripted.remaining -= 1
                if scripted.remaining <= 0:
                    self._script.remove(scripted)
                return scripted.fault
            knobs = self._knobs
            if knobs.fault_routes and route not in knobs.fault_routes:
                return None
            roll = self._rng.random()
            for kind, rate in (("error", knobs.error_rate), ("rate_limited", knobs.throttle_rate),
                               ("timeout", knobs.timeout_rate), ("lost", knobs.lost_rate)):
                if roll < rate:
                    status = self._rng.choice(knobs.error_statuses) if kind == "error" else None
                    return Fault(kind, status=status)
                roll -= rate
            return None


def _parse_scripted(entry: dict) -> ScriptedFault:
    if not isinstance(entry, dict):
        raise ValueError("each scripted fault is an object")
    kind = entry.get("fault")
    if kind not in FAULT_KINDS:
        raise ValueError(f"fault must be one of {', '.join(FAULT_KINDS)}")
    try:
        times = int(entry.get("times", 1))
        skip = int(entry.get("skip", 0))
        status = int(entry["status"]) if entry.get("status") is not None else None
        retry_after = (float(entry["retry_after"]) if entry.get("retry_after") is not None
                       else None)
    except (TypeError, ValueError):
        raise ValueError("times, skip, status and retry_after must be numbers") from None
    if skip < 0:
        raise ValueError("skip cannot be negative")
    if times < 1:
        raise ValueError("times must be at least 1")
    return ScriptedFault(route=str(entry.get("route") or "*"),
                         fault=Fault(kind, status=status, retry_after=retry_after,
                                     message=str(entry.get("message") or "")),
                         remaining=times, account=str(entry.get("account") or ""), skip=skip)
