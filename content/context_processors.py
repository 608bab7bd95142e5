"""`content_counts.approvals` / `.notifications` for the navigation badges (lazy, cached:
content.nav_counts)."""

from django.utils.functional import SimpleLazyObject


def content_counts(request) -> dict:
    organization = getattr(request, "organization", None)
    if organization is None:
        return {}

    def counts():
        from content.nav_counts import navigation_counts

        membership = getattr(request, "membership", None)
        if membership is None:
            return {"approvals": 0, "notifications": 0}
        return navigation_counts(membership, request.user)

    return {"content_counts": SimpleLazyObject(counts)}
