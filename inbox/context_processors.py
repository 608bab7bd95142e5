"""`nav_counts.inbox_open` for the shell's navigation: one cached count query per organisation
(and account scope: members restricted to some accounts count only theirs)."""

from django.utils.functional import SimpleLazyObject


def nav_counts(request) -> dict:
    organization = getattr(request, "organization", None)
    if organization is None:
        return {}
    membership = getattr(request, "membership", None)

    def counts() -> dict:
        from inbox.selectors import member_account_scope
        from inbox.services.counts import open_count

        scope = member_account_scope(membership) if membership is not None else None
        return {"inbox_open": open_count(organization.pk, scope)}

    # Lazy: pages that never render the navigation (htmx fragments) never count.
    return {"nav_counts": SimpleLazyObject(counts)}
