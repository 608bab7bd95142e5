"""The open-item count in the navigation: one cheap query, cached briefly, dropped on change.

Counts are cached per organisation and account scope (restricted members count only their
accounts). Every change bumps the organisation's version, which retires all its counts at once.
"""

import hashlib

from django.core.cache import cache
from django.utils import timezone

from inbox.models import InboxItem

TTL = 30  # seconds; changes made here invalidate at once, other processes' within TTL


def _version_key(organization_id: int) -> str:
    return f"inbox:open:{organization_id}:v"


def _key(organization_id: int, account_ids: frozenset[int] | None) -> str:
    version = cache.get(_version_key(organization_id)) or 0
    scope = "all" if account_ids is None else hashlib.sha1(
        ",".join(map(str, sorted(account_ids))).encode(), usedforsecurity=False).hexdigest()[:16]
    return f"inbox:open:{organization_id}:{version}:{scope}"


def open_count(organization_id: int, account_ids: frozenset[int] | None = None) -> int:
    key = _key(organization_id, account_ids)
    count = cache.get(key)
    if count is None:
        qs = InboxItem.objects.filter(organization_id=organization_id,
                                      deleted_at__isnull=True).awake(timezone.now())
        if account_ids is not None:
            qs = qs.filter(account_id__in=account_ids)
        count = qs.count()
        cache.set(key, count, TTL)
    return count


def open_count_invalidate(organization_id: int) -> None:
    key = _version_key(organization_id)
    try:
        cache.incr(key)
    except ValueError:  # not set yet (or evicted)
        cache.set(key, 1, None)
