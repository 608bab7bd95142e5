from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.selectors import accounts_for_member
from analytics.models import ShortLink
from analytics.services.links import short_link_set_enabled, short_url
from api.pagination import NewestFirstCursorPagination
from api.serializers.analytics import ShortLinkSerializer
from api.views.base import OrgViewSet

LINK_EXAMPLE = OpenApiExample(
    "A short link in a Mastodon post",
    value={"id": 31, "code": "7kQm2xRtP", "short_url": "https://social.example.org/l/7kQm2xRtP",
           "url": "https://shop.example/beans?utm_source=mastodon&utm_medium=social",
           "post": 120, "target": 340, "account": 7, "provider": "mastodon", "enabled": True,
           "clicks": 42, "created_at": "2026-11-20T08:15:00Z"},
    response_only=True,
)


@extend_schema_view(
    list=extend_schema(summary="List short links",
                       description="The organisation's own short links on the accounts the "
                                   "token's user may see, newest first, with their clicks.",
                       examples=[LINK_EXAMPLE]),
    retrieve=extend_schema(summary="Get a short link", examples=[LINK_EXAMPLE]),
)
class ShortLinkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgViewSet):
    serializer_class = ShortLinkSerializer
    pagination_class = NewestFirstCursorPagination
    perms = {"list": "analytics.view", "retrieve": "analytics.view",
             "disable": "post.publish", "enable": "post.publish"}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ShortLink.objects.none()
        visible = accounts_for_member(self.membership).values("pk")
        return ShortLink.objects.for_org(self.organization).filter(account_id__in=visible)

    def _data(self, link):
        link.short_url = short_url(link.code)
        return ShortLinkSerializer(link).data

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([self._data(link) for link in page])

    def retrieve(self, request, *args, **kwargs):
        return Response(self._data(self.get_object()))

    def _switch(self, request, enabled: bool):
        link = short_link_set_enabled(organization=self.organization, actor=self.actor,
                                      link_id=self.get_object().pk, enabled=enabled,
                                      request=request)
        return Response(self._data(link))

    @extend_schema(summary="Disable a short link", request=None,
                   responses={200: ShortLinkSerializer}, examples=[LINK_EXAMPLE],
                   description="The link then answers 404; idempotent.")
    @action(detail=True, methods=["post"])
    def disable(self, request, pk=None):
        return self._switch(request, False)

    @extend_schema(summary="Enable a short link again", request=None,
                   responses={200: ShortLinkSerializer}, examples=[LINK_EXAMPLE])
    @action(detail=True, methods=["post"])
    def enable(self, request, pk=None):
        return self._switch(request, True)
