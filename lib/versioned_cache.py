"""Values every page shows (navigation counts, the organisation switcher, the reconnect
banner), cached under version keys.

A value is stored under its name plus the current numbers of the version keys it depends
on; a change bumps a version, which retires every value cached under the old number at once,
in every process that shares the cache. The bump happens at once (a read later in the same
transaction sees the change) and again after the commit, so a value another request read
from the database just before the commit cannot outlive it. A version key that is missing
(never set, or evicted) starts at the current time in nanoseconds, never at a number an
older value may still be stored under. The TTL only bounds how long an unused value stays.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from django.core.cache import cache
from django.db import transaction

TTL = 300  # seconds
_MISSING = object()


def _versions(keys: Sequence[str]) -> list[int]:
    found = cache.get_many(keys)
    out = []
    for key in keys:
        version = found.get(key)
        if version is None:
            version = time.time_ns()
            if not cache.add(key, version, None):  # another process set it first
                version = cache.get(key, version)
        out.append(version)
    return out


def cached(name: str, depends_on: Sequence[str], compute: Callable[[], Any], *,
           ttl: int = TTL) -> Any:
    """`compute()`'s value, from the cache while none of the `depends_on` keys was bumped."""
    key = ":".join([name, *map(str, _versions(depends_on))])
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, ttl)
    return value


def _bump(keys: Sequence[str]) -> None:
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:  # not set (or evicted): any fresh number retires the old values
            cache.set(key, time.time_ns(), None)


def bump(*keys: str) -> None:
    """Retire the values cached under these version keys: now and after the commit."""
    _bump(keys)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump(keys))
