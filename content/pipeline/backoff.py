"""When to try a target again: exponential backoff with full jitter, Retry-After respected.

Full jitter (a random delay between 0 and the exponential cap) spreads the retries of
many targets that failed together, so a platform that just recovered is not hit by a
synchronised wave. A platform's `Retry-After` is a floor, never shortened by jitter.
"""

from __future__ import annotations

import datetime as dt
import random

BASE_SECONDS = 5.0
CAP_SECONDS = 15 * 60.0
MIN_SECONDS = 1.0


def retry_delay(attempts: int, *, retry_after: float | None = None,
                rng: random.Random | None = None) -> float:
    """Seconds until the next try after `attempts` tries (1 = the first one failed)."""
    ceiling = min(CAP_SECONDS, BASE_SECONDS * 2 ** max(0, attempts - 1))
    delay = max(MIN_SECONDS, (rng or random).uniform(0, ceiling))
    if retry_after is not None and retry_after > 0:
        delay = max(delay, float(retry_after))
    return delay


def next_attempt(now: dt.datetime, attempts: int, *, retry_after: float | None = None,
                 rng: random.Random | None = None) -> dt.datetime:
    return now + dt.timedelta(seconds=retry_delay(attempts, retry_after=retry_after, rng=rng))
