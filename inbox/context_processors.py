"""`nav_counts.inbox_open` for the shell's navigation: one cached count query per organisation."""

from django.utils.functional import SimpleLazyObject


def nav_counts(request) -> dict:
    organization = getattr(request, "organization", None)
    if organization is None:
        return {}
    from inbox.services.counts import open_count

    # Lazy: pages that never render the navigation (htmx fragments) never count.
    return {"nav_counts": SimpleLazyObject(lambda: {"inbox_open": open_count(organization.pk)})}
