"""What every API view shares: the token's organisation and capped membership."""

from __future__ import annotations

from functools import cached_property

from rest_framework import viewsets

from socialmgr.api.services.tokens import Principal


class OrgScopedMixin:
    """Everything is looked up through `self.organization` (the token's organisation)."""

    perms: dict[str, str] = {}
    lookup_value_regex = r"\d+"

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
