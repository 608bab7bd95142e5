from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from api.serializers.inbox import AlertSerializer
from api.views.base import OrgViewSet
from inbox.models import Alert
from inbox.selectors import alerts_for_member
from inbox.services.alerts import alert_acknowledge

ALERT_EXAMPLE = OpenApiExample(
    "Negative items spiked",
    value={"id": 4, "account": 7, "kind": "negative", "count": 23, "baseline": 0.5,
           "threshold": 5, "window_start": "2026-11-20T08:00:00Z",
           "window_end": "2026-11-20T09:00:00Z", "item_ids": [981, 977, 970],
           "raised_at": "2026-11-20T09:00:04Z", "acknowledged_at": None},
    response_only=True,
)


@extend_schema_view(
    list=extend_schema(summary="List spike alerts",
                       description="Open alerts first, then those of the last 30 days, on "
                                   "the accounts the token's user sees.",
                       examples=[ALERT_EXAMPLE]),
    retrieve=extend_schema(summary="Get a spike alert", examples=[ALERT_EXAMPLE]),
)
class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgViewSet):
    serializer_class = AlertSerializer
    pagination_class = None
    perms = {"list": "inbox.view", "retrieve": "inbox.view", "acknowledge": "inbox.work"}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Alert.objects.none()
        return alerts_for_member(self.membership)

    @extend_schema(summary="Acknowledge a spike alert", request=None,
                   responses={200: AlertSerializer}, examples=[ALERT_EXAMPLE],
                   description="Idempotent; audited once.")
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        alert = alert_acknowledge(organization=self.organization, alert_id=self.get_object().pk,
                                  actor=self.actor, request=request)
        return Response(AlertSerializer(alert).data)
