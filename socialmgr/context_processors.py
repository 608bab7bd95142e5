from django.conf import settings
from django.utils.functional import SimpleLazyObject

from accounts.roles import PERMISSIONS


class _Can:
    """`{% if can.post_approve %}` in templates: what the current member's role allows."""

    def __init__(self, membership):
        self._membership = membership

    def __getattr__(self, name: str) -> bool:
        perm = name.replace("_", ".", 1)
        if self._membership is None or perm not in PERMISSIONS:
            return False
        return self._membership.can(perm)


def shell(request):
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    orgs = []
    if user is not None and user.is_authenticated:
        from accounts.shell_cache import user_organizations_cached

        # Lazy (as the queryset was): pages without the layout never ask.
        orgs = SimpleLazyObject(lambda: user_organizations_cached(user))
    return {
        "organization": getattr(request, "organization", None),
        "membership": membership,
        "can": _Can(membership),
        "user_organizations": orgs,
        "LANGUAGES": settings.LANGUAGES,
    }
