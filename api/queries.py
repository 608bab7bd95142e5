"""Read-side queries the REST API and the MCP tools share: validated filters in, querysets
and summaries out. The filters are validated by the API's serializers first."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from accounts.selectors import accounts_for_member
from accounts.services.errors import ServiceError
from analytics.selectors.audience import follower_series
from analytics.selectors.period import period_for
from analytics.selectors.posts import totals, totals_for
from analytics.selectors.scope import Scope
from content.selectors import posts_visible_to, posts_with_targets
from inbox.selectors import ItemFilters, filtered_items, member_account_scope


def visible_posts(membership, organization):
    """As in the UI: posts going only to accounts the member may not use are not found."""
    return posts_visible_to(membership, posts_with_targets(organization))


def filter_posts(queryset, f: dict):
    """`f` is PostFilterSerializer's validated data."""
    if "status" in f:
        queryset = queryset.filter(status=f["status"])
    if "account" in f:
        queryset = queryset.filter(targets__account_id=f["account"])
    if "label" in f:
        queryset = queryset.filter(labels__id=f["label"])
    if "scheduled_from" in f:
        queryset = queryset.filter(scheduled_at__gte=f["scheduled_from"])
    if "scheduled_to" in f:
        queryset = queryset.filter(scheduled_at__lt=f["scheduled_to"])
    return queryset.distinct()


def inbox_items(organization, membership, f: dict):
    """`f` is InboxFilterSerializer's validated data. Members limited to some accounts see
    only those accounts' items."""
    return filtered_items(organization, ItemFilters(
        account=f.get("account"), platform=f.get("platform", ""), kind=f.get("kind", ""),
        status="" if f["status"] == "all" else f["status"], urgent=f["urgent"],
        assignee=f.get("assignee", ""), date_from=f.get("date_from"),
        date_to=f.get("date_to"), q=f.get("q", ""), sentiment=f.get("sentiment", ""),
        user_id=membership.user_id,
        account_ids=member_account_scope(membership),
    )).select_related("account")


def _period(period) -> dict:
    return {"first": period.first, "last": period.last, "timezone": str(period.tz)}


def _followers(scope: Scope) -> dict:
    series = follower_series(scope)
    return {k: series[k] for k in ("latest", "growth", "previous_growth")}


def analytics_scope(organization, membership, q: dict) -> Scope:
    """The dashboard's scope for SummaryQuerySerializer's validated data: the period in the
    organisation's time zone, the accounts the member may see (or the chosen ones)."""
    visible = list(accounts_for_member(membership))
    if q["account"]:
        chosen = [a for a in visible if a.pk in set(q["account"])]
        if len(chosen) != len(set(q["account"])):
            # 422 as for an unknown account in a new post: the id itself is well-formed.
            raise ServiceError(_("Unknown account."), code="account")
        visible = chosen
    tz = ZoneInfo(organization.timezone)
    period = period_for(q["range"], tz, first=q.get("start"), last=q.get("end"))
    return Scope(organization=organization, accounts=tuple(visible), period=period)


def analytics_summary(organization, membership, q: dict) -> dict:
    """Totals of the posts published in the period and the one before, follower growth,
    and the same per account — as on the dashboard."""
    scope = analytics_scope(organization, membership, q)
    period = scope.period
    per_account = []
    for account in scope.accounts:
        single = Scope(organization=organization, accounts=(account,), period=period)
        per_account.append({"account": account.pk, "totals": totals(single, period),
                            "followers": _followers(single)})
    now_totals, previous_totals = totals_for(scope, period, period.previous())
    return {"period": _period(period), "previous_period": _period(period.previous()),
            "totals": now_totals, "previous_totals": previous_totals,
            "followers": _followers(scope), "accounts": per_account}
