"""Analytics summaries from the dashboard's own selectors."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response

from accounts.selectors import accounts_for_member
from analytics.selectors.audience import follower_series
from analytics.selectors.period import period_for
from analytics.selectors.posts import totals, totals_for
from analytics.selectors.scope import Scope
from api.serializers.analytics import SummaryQuerySerializer, SummarySerializer
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


def _period(period) -> dict:
    return {"first": period.first, "last": period.last, "timezone": str(period.tz)}


def _followers(scope: Scope) -> dict:
    series = follower_series(scope)
    return {k: series[k] for k in ("latest", "growth", "previous_growth")}


class AnalyticsViewSet(OrgViewSet):
    perms = {"summary": "analytics.view"}
    serializer_class = SummarySerializer

    @extend_schema(
        summary="Analytics summary", parameters=[SummaryQuerySerializer],
        responses={200: SummarySerializer}, examples=[EXAMPLE],
        description="Totals of the posts published in the period and the one before, "
                    "follower growth, and the same per account — as on the dashboard.")
    def summary(self, request):
        query = SummaryQuerySerializer(data={
            **request.query_params.dict(), "account": request.query_params.getlist("account")})
        query.is_valid(raise_exception=True)
        q = query.validated_data
        visible = list(accounts_for_member(self.membership))
        if q["account"]:
            chosen = [a for a in visible if a.pk in set(q["account"])]
            if len(chosen) != len(set(q["account"])):
                raise exceptions.ValidationError({"account": [exceptions.ErrorDetail(
                    _("Unknown account."), code="invalid_choice")]})
            visible = chosen
        tz = ZoneInfo(self.organization.timezone)
        period = period_for(q["range"], tz, first=q.get("start"), last=q.get("end"))
        scope = Scope(organization=self.organization, accounts=tuple(visible), period=period)
        per_account = []
        for account in visible:
            single = Scope(organization=self.organization, accounts=(account,), period=period)
            per_account.append({"account": account.pk, "totals": totals(single, period),
                                "followers": _followers(single)})
        now_totals, previous_totals = totals_for(scope, period, period.previous())
        data = {"period": _period(period), "previous_period": _period(period.previous()),
                "totals": now_totals, "previous_totals": previous_totals,
                "followers": _followers(scope), "accounts": per_account}
        return Response(SummarySerializer(data).data)
