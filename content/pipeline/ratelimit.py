"""Per-account rate limits: one busy account waits, the others carry on.

When a platform answers 429 for an account, the wait (Retry-After, else a backoff) is
remembered in the cache and every due target of that account is pushed past it, so the
dispatcher keeps claiming other accounts' targets. A worker that still gets one of the
account's targets in the meantime puts it back without calling the platform.
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from content.models import PostTarget
from content.pipeline.backoff import retry_delay
from content.workflows import TargetState

DEFAULT_WAIT = 60.0


def _key(account_id: int) -> str:
    return f"pipeline:rate_limited:{account_id}"


def account_limited_until(account_id: int, due: dt.datetime | None) -> dt.datetime | None:
    """The end of the account's wait if a target due at `due` falls inside it."""
    until = cache.get(_key(account_id))
    if until is None or (due is not None and due >= until):
        return None
    return until


def accounts_limit_ends(account_ids) -> dict[int, dt.datetime]:
    """The remembered waits of a batch's accounts, in one cache round trip."""
    ids = set(account_ids)
    if not ids:
        return {}
    waits = cache.get_many([_key(pk) for pk in ids])
    return {pk: waits[_key(pk)] for pk in ids if waits.get(_key(pk)) is not None}


def limited_until(until: dt.datetime | None, due: dt.datetime | None) -> dt.datetime | None:
    """`until` if a target due at `due` falls inside the wait (as `account_limited_until`)."""
    if until is None or (due is not None and due >= until):
        return None
    return until


def account_rate_limited(account, *, retry_after: float | None) -> dt.datetime:
    """Remember the account's wait and push its due targets past it. Returns when it ends."""
    now = timezone.now()
    wait = retry_after if retry_after and retry_after > 0 else DEFAULT_WAIT
    # a little jitter so the account's targets do not all return in the same instant
    until = now + dt.timedelta(seconds=wait + retry_delay(1) / 10)
    cache.set(_key(account.pk), until, timeout=int(wait) + 5)
    PostTarget.objects.filter(account=account, status=TargetState.SCHEDULED).filter(
        Q(next_attempt_at__lt=until)).update(next_attempt_at=until, updated_at=now)
    return until
