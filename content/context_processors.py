"""`content_counts.approvals` / `.notifications` for the navigation badges (lazy)."""

from django.utils.functional import SimpleLazyObject


def content_counts(request) -> dict:
    organization = getattr(request, "organization", None)
    if organization is None:
        return {}

    def counts():
        from content.models import Notification
        from content.selectors import queue_counts

        membership = getattr(request, "membership", None)
        return {
            "approvals": queue_counts(membership)["pending"] if membership else 0,
            "notifications": Notification.objects.filter(
                user=request.user, organization=organization, read_at__isnull=True).count(),
        }

    return {"content_counts": SimpleLazyObject(counts)}
