"""Tenant resolution in one place.

Every view under `/o/<org_slug>/` is wrapped by `org_view(perm)`: it resolves
`request.organization` and `request.membership` from the slug and the signed-in
user, answers 404 to anyone who is not a member (so an outsider cannot tell
whether an organisation exists), and 403 to a member whose role lacks `perm`.
The permission is kept on the view so the tenancy sweep test can check that
every organisation URL is guarded.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone

from accounts.models import AccountAccess, Membership
from accounts.roles import PERMISSIONS


def resolve_membership(request, org_slug: str) -> Membership:
    if not request.user.is_authenticated:
        raise Http404
    try:
        # Whether the member is limited to some accounts, asked by the navigation, the
        # banner and most pages (accounts.selectors.member_is_restricted): asked here once.
        return Membership.objects.select_related("organization").annotate(
            has_account_access=Exists(AccountAccess.objects.filter(membership=OuterRef("pk")))
        ).get(user=request.user, organization__slug=org_slug)
    except Membership.DoesNotExist:
        raise Http404 from None


def org_view(perm: str = "org.view"):
    """Decorator for function views taking `org_slug` as their first URL argument."""
    if perm not in PERMISSIONS:
        raise ValueError(f"unknown permission {perm!r}")

    def decorator(view):
        @wraps(view)
        def wrapper(request, org_slug, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = resolve_membership(request, org_slug)
            # Set before the role check so a 403 page still shows the organisation's shell.
            request.membership = membership
            request.organization = membership.organization
            if not membership.can(perm):
                raise PermissionDenied
            if not request.user.timezone:
                timezone.activate(membership.organization.timezone)
            return view(request, *args, **kwargs)

        wrapper.org_perm = perm
        return wrapper

    return decorator


class OrgViewMixin:
    """The class-based form of `org_view`: set `org_perm` on the view class."""

    org_perm = "org.view"

    @classmethod
    def as_view(cls, **initkwargs):
        return org_view(cls.org_perm)(super().as_view(**initkwargs))
