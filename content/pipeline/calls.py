"""The platform calls of a batch of claimed targets, made concurrently.

Only HTTP happens here (no database work), in a thread pool shared by the process, so
one worker task has a whole batch in flight at once instead of waiting 50–500 ms per
post in turn. Targets of the same account are called one after the other (as a platform
expects from one client); after a rate limit or an expired sign-in the account's
remaining targets are not called at all and are settled by the caller.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections
from django.utils import timezone

from content.models import PostTarget
from content.pipeline.reconcile import reconcile
from platforms.base import Provider, PublishRequest, RemotePost
from platforms.errors import AuthExpired, RateLimited


@dataclass
class Call:
    target: PostTarget
    lease: str
    provider: Provider
    request: PublishRequest
    uncertain: bool  # an earlier attempt may have gone out: ask the platform first

    @property
    def due(self) -> dt.datetime | None:
        return self.target.next_attempt_at


def wait_until(when: dt.datetime | None) -> None:
    """Sleep until `when` (claimed ahead of time: never publish before the instant). Only
    within the claim-ahead window: a target handed over earlier than the dispatcher ever
    claims (by hand, or by a dispatcher run told another time) goes now."""
    if when is not None:
        delay = (when - timezone.now()).total_seconds()
        if 0 < delay <= settings.PUBLISH_CLAIM_AHEAD + 1:  # +1: the dispatcher's run time
            time.sleep(delay)


@dataclass
class Outcome:
    kind: str  # published | unconfirmed | error | deferred
    remote: RemotePost | None = None
    error: BaseException | None = None
    reconciled: bool = False  # the platform said the post is not there (uncertainty gone)
    extra: dict = field(default_factory=dict)


def _call_one(call: Call) -> Outcome:
    reconciled = False
    try:
        if call.uncertain:
            result = reconcile(call.provider, call.target.account, call.request)
            if result.found is not None:
                return Outcome("published", remote=result.found)
            if not result.safe_to_publish:
                return Outcome("unconfirmed")
            reconciled = True
        remote = call.provider.publish(call.target.account, call.request)
        return Outcome("published", remote=remote, reconciled=reconciled)
    except Exception as exc:  # typed provider errors and bugs alike: the caller maps them
        return Outcome("error", error=exc, reconciled=reconciled)


def _call_account(calls: list[Call]) -> list[Outcome]:
    """One account's targets in order; stop calling after a 429 or an expired sign-in."""
    out: list[Outcome] = []
    stopped = False
    try:
        for call in calls:
            if stopped:
                out.append(Outcome("deferred"))
                continue
            wait_until(call.due)
            outcome = _call_one(call)
            out.append(outcome)
            stopped = isinstance(outcome.error, RateLimited | AuthExpired)
    finally:
        # A connector that touched the database from this thread must not leak the connection.
        connections.close_all()
    return out


_executor: ThreadPoolExecutor | None = None
_executor_pid = 0
_executor_lock = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _executor, _executor_pid
    with _executor_lock:
        if _executor is None or _executor_pid != os.getpid():  # not inherited across fork
            _executor = ThreadPoolExecutor(max_workers=settings.PUBLISH_CALL_THREADS,
                                           thread_name_prefix="publish-call")
            _executor_pid = os.getpid()
        return _executor


def start_calls(calls: list[Call]) -> list[tuple[list[Call], Future]]:
    """Submit the calls grouped by account, once the first is due (a pool thread is not held
    asleep while others could call); each future gives that group's outcomes."""
    now = timezone.now()
    calls = sorted(calls, key=lambda c: c.due or now)  # an account's posts in due order
    wait_until(calls[0].due if calls else None)
    groups: dict[int, list[Call]] = defaultdict(list)
    for call in calls:
        groups[call.target.account_id].append(call)
    pool = _pool()
    return [(group, pool.submit(_call_account, group)) for group in groups.values()]
