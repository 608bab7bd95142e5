"""What every API view shares: the token's organisation and capped membership."""

from __future__ import annotations

from contextlib import ExitStack
from functools import cached_property

from rest_framework import viewsets

from accounts.audit import audit_via
from api.services.tokens import Principal
from content.services.access import acting_as


class OrgScopedMixin:
    """Everything is looked up through `self.organization` (the token's organisation)."""

    perms: dict[str, str] = {}
    lookup_value_regex = r"\d+"

    def dispatch(self, request, *args, **kwargs):
        # Whatever the view calls runs inside this stack; it is closed even on an error.
        with ExitStack() as self._acting_stack:
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authenticates and checks the role cap
        if isinstance(request.auth, Principal):
            # The content services act with the token's capped membership, not the
            # creator's stored role: the same rules as the UI, at the token's role.
            self._acting_stack.enter_context(acting_as(request.auth.membership))
            token = request.auth.token
            self._acting_stack.enter_context(audit_via(
                "api", token_name=token.name, token_prefix=token.prefix))

    @property
    def principal(self) -> Principal:
        return self.request.auth

    @cached_property
    def organization(self):
        return self.principal.token.organization

    @property
    def membership(self):
        return self.principal.membership

    @property
    def actor(self):
        return self.principal.membership.user


class OrgViewSet(OrgScopedMixin, viewsets.GenericViewSet):
    pass
