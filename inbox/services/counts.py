"""The open-item count in the navigation: one cheap query, cached briefly, dropped on change."""

from django.core.cache import cache

from inbox.models import InboxItem, ItemStatus

TTL = 30  # seconds; changes made here invalidate at once, other processes' within TTL


def _key(organization_id: int) -> str:
    return f"inbox:open:{organization_id}"


def open_count(organization_id: int) -> int:
    count = cache.get(_key(organization_id))
    if count is None:
        count = InboxItem.objects.filter(
            organization_id=organization_id, status=ItemStatus.OPEN, deleted_at__isnull=True
        ).count()
        cache.set(_key(organization_id), count, TTL)
    return count


def open_count_invalidate(organization_id: int) -> None:
    cache.delete(_key(organization_id))
