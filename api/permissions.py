"""Role caps: each API action names the same permission the UI view for it uses."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.permissions import BasePermission

from accounts.roles import PERMISSIONS
from api.services.tokens import Principal


class HasOrgPermission(BasePermission):
    """The view maps actions to permission names: `perms = {"list": "post.view", …}`.

    An action missing from the map is refused (fail closed).
    """

    def has_permission(self, request, view) -> bool:
        principal = request.auth
        if not isinstance(principal, Principal):
            return False  # DRF answers 401 (NotAuthenticated) since no credentials came
        if getattr(view, request.method.lower(), None) is None:
            # No handler for this method: the documented 405, not a refused role (403).
            raise exceptions.MethodNotAllowed(request.method)
        perm = required_perm(view, request)
        if perm is None:
            return False
        return principal.can(perm)


def required_perm(view, request) -> str | None:
    action = getattr(view, "action", None) or request.method.lower()
    perm = getattr(view, "perms", {}).get(action)
    if perm is not None and perm not in PERMISSIONS:
        raise ValueError(f"unknown permission {perm!r}")
    return perm
