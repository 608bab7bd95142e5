"""Clicks on the organisation's own short links, for the dashboard, the PDF and the CSV.

Clicks are counted per link and day of the organisation's time zone (ShortLinkDay); the
click-through rate relates the clicks on the links of the posts published in the period to
those posts' impressions, where their platform reports impressions.
"""

from __future__ import annotations

from django.db.models import Q, Sum

from analytics.models import ShortLink, ShortLinkDay, TargetMetrics
from analytics.selectors.posts import rate
from analytics.selectors.scope import Scope

TOP_LINKS = 5


def _days(scope: Scope, first, last):
    return (ShortLinkDay.objects.for_org(scope.organization)
            .filter(link__account_id__in=scope.account_ids, day__gte=first, day__lte=last))


def has_short_links(scope: Scope) -> bool:
    return (ShortLink.objects.for_org(scope.organization)
            .filter(account_id__in=scope.account_ids).exists())


def short_link_stats(scope: Scope) -> dict:
    """Clicks in the period and the one before, per network, the top links, and the
    click-through rate of the period's posts."""
    period, previous = scope.period, scope.period.previous()
    totals = _days(scope, previous.first, period.last).aggregate(
        now=Sum("clicks", filter=Q(day__gte=period.first)),
        before=Sum("clicks", filter=Q(day__lte=previous.last)))
    networks = list(_days(scope, period.first, period.last).values("link__provider")
                    .annotate(clicks=Sum("clicks")).order_by("-clicks", "link__provider"))
    top_ids = list(_days(scope, period.first, period.last).values("link_id")
                   .annotate(clicks=Sum("clicks")).order_by("-clicks", "link_id")[:TOP_LINKS])
    links = ShortLink.objects.for_org(scope.organization).select_related("post", "account") \
        .in_bulk([row["link_id"] for row in top_ids])
    top = [{"link": links[row["link_id"]], "clicks": row["clicks"]} for row in top_ids
           if row["link_id"] in links]
    return {"clicks": totals["now"] or 0, "previous": totals["before"] or 0,
            "networks": [{"provider": n["link__provider"], "clicks": n["clicks"]}
                         for n in networks],
            "top": top, **_click_through(scope)}


def _click_through(scope: Scope) -> dict:
    """Clicks on the links of the posts published in the period ÷ their impressions."""
    period = scope.period
    published = (TargetMetrics.objects.for_org(scope.organization)
                 .filter(account_id__in=scope.account_ids, published_at__gte=period.start,
                         published_at__lt=period.end, impressions__gt=0))
    linked = ShortLink.objects.for_org(scope.organization).filter(
        target_id__in=published.values("target_id"))
    clicks = linked.aggregate(total=Sum("clicks"))["total"]
    impressions = published.filter(target_id__in=linked.values("target_id")).aggregate(
        total=Sum("impressions"))["total"]
    return {"ctr": rate(clicks, impressions), "ctr_posts_clicks": clicks or 0}


def daily_clicks(scope: Scope) -> dict:
    """{day: clicks} over the period (days without clicks left out)."""
    rows = (_days(scope, scope.period.first, scope.period.last).values("day")
            .annotate(clicks=Sum("clicks")))
    return {row["day"]: row["clicks"] for row in rows}


def clicks_per_link(scope: Scope, period) -> dict[int, int]:
    """{link id: clicks in `period`} for the links of the scope's accounts."""
    rows = _days(scope, period.first, period.last).values("link_id").annotate(
        clicks=Sum("clicks"))
    return {row["link_id"]: row["clicks"] for row in rows}


def links_page(organization, account_ids: list[int]):
    """The organisation's links on these accounts, newest first (the links page)."""
    return (ShortLink.objects.for_org(organization).filter(account_id__in=account_ids)
            .select_related("post", "account", "target").order_by("-created_at", "-pk"))
