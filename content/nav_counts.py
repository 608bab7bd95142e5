"""The navigation's approval and unread-notification counts, cached per organisation.

Every page shows them, so they are read from the cache (lib.versioned_cache) and counted
again only after a change: a post saved, deleted or moved to another state, a notification
created, read or deleted (`nav_counts_invalidate`, called by the receivers below and by
the services that write without signals: state moves, bulk creates, marking as read).
Members limited to some accounts see counts of their posts only; theirs are counted on each
page, uncached.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from lib.versioned_cache import bump, cached


def _version_key(organization_id: int) -> str:
    return f"content:nav:{organization_id}:v"


def _count(membership, user) -> dict[str, int]:
    from content.models import Notification
    from content.selectors import queue_counts

    return {
        "approvals": queue_counts(membership)["pending"],
        "notifications": Notification.objects.filter(
            user=user, organization_id=membership.organization_id,
            read_at__isnull=True).count(),
    }


def navigation_counts(membership, user) -> dict[str, int]:
    from accounts.selectors import member_is_restricted

    if member_is_restricted(membership):
        return _count(membership, user)
    org_id = membership.organization_id
    return cached(f"content:nav:{org_id}:{user.pk}", [_version_key(org_id)],
                  lambda: _count(membership, user))


def nav_counts_invalidate(organization_id: int) -> None:
    bump(_version_key(organization_id))


@receiver([post_save, post_delete], sender="content.Post",
          dispatch_uid="content-nav-counts-post")
# Notifications go by deletion only with their post, user or organisation: no post_delete
# receiver, which would keep their bulk deletes from being fast.
@receiver(post_save, sender="content.Notification",
          dispatch_uid="content-nav-counts-notification")
def _changed(sender, instance, **kwargs) -> None:
    nav_counts_invalidate(instance.organization_id)
