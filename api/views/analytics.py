"""Analytics summaries from the dashboard's own selectors."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.response import Response

from api.queries import analytics_summary
from api.serializers.analytics import SummaryQuerySerializer, SummarySerializer
from api.serializers.common import ErrorSerializer
from api.views.base import OrgViewSet

TOTALS = {"posts": 12, "measured": 12, "engagements": 340, "engagement_rate": 2.7,
          "last_fetched": "2026-11-20T06:00:00Z", "impressions": 12500, "reach": 9800,
          "likes": 250, "reposts": 40, "replies": 30, "clicks": 20, "saves": None,
          "quotes": None, "bookmarks": None}
EXAMPLE = OpenApiExample("Last 28 days", response_only=True, value={
    "period": {"first": "2026-10-24", "last": "2026-11-20", "timezone": "Europe/Berlin"},
    "previous_period": {"first": "2026-09-26", "last": "2026-10-23",
                        "timezone": "Europe/Berlin"},
    "totals": TOTALS, "previous_totals": {**TOTALS, "posts": 9},
    "followers": {"latest": 5120, "growth": 84, "previous_growth": 61},
    "accounts": [{"account": 7, "totals": TOTALS,
                  "followers": {"latest": 5120, "growth": 84, "previous_growth": 61}}],
})


class AnalyticsViewSet(OrgViewSet):
    perms = {"summary": "analytics.view"}
    serializer_class = SummarySerializer

    @extend_schema(
        summary="Analytics summary", parameters=[SummaryQuerySerializer],
        responses={200: SummarySerializer,
                   422: OpenApiResponse(ErrorSerializer, description="An account that is not "
                                        "connected to the organisation (or not visible).")},
        examples=[EXAMPLE],
        description="Totals of the posts published in the period and the one before, "
                    "follower growth, and the same per account — as on the dashboard.")
    def summary(self, request):
        given = {k: v for k, v in request.query_params.dict().items() if v != ""}  # "" = not given
        query = SummaryQuerySerializer(data={
            **given, "account": [a for a in request.query_params.getlist("account") if a]})
        query.is_valid(raise_exception=True)
        data = analytics_summary(self.organization, self.membership, query.validated_data)
        return Response(SummarySerializer(data).data)
