from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins

from accounts.models import ConnectedAccount
from accounts.selectors import accounts_for_member
from api.serializers.accounts import ConnectedAccountSerializer
from api.views.base import OrgViewSet

ACCOUNT_EXAMPLE = OpenApiExample(
    "A Mastodon account",
    value={"id": 7, "provider": "mastodon", "handle": "@acme@mastodon.social",
           "display_name": "Acme", "name": "Acme – support", "avatar_url": "",
           "status": "active", "created_at": "2026-11-02T09:00:00Z",
           "last_synced_at": "2026-11-20T08:15:00Z"},
    response_only=True,
)


@extend_schema_view(
    list=extend_schema(summary="List connected accounts",
                       description="Accounts the token's user may see (disconnected ones are "
                                   "left out).", examples=[ACCOUNT_EXAMPLE]),
    retrieve=extend_schema(summary="Get a connected account", examples=[ACCOUNT_EXAMPLE]),
)
class ConnectedAccountViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgViewSet):
    serializer_class = ConnectedAccountSerializer
    perms = {"list": "org.view", "retrieve": "org.view"}
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ConnectedAccount.objects.none()
        return accounts_for_member(self.membership)
