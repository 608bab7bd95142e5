"""Post results: totals for a period, the post table, top and bottom posts, per label."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db.models import Count, F, Max, Prefetch, Q, Sum
from django.db.models.functions import TruncDate

from analytics.models import POST_METRIC_NAMES, TargetMetrics
from analytics.selectors.period import Period
from analytics.selectors.scope import Scope
from content.models import PostTarget

TABLE_LIMIT = 10  # rows on the page; the CSV export has all of them
TOP = 5


def _published(scope: Scope, period: Period):
    return (TargetMetrics.objects.for_org(scope.organization)
            .filter(account_id__in=scope.account_ids,
                    published_at__gte=period.start, published_at__lt=period.end))


def rate(engagements: int | None, impressions: int | None) -> float | None:
    """Engagement rate in percent; None when no impressions were measured."""
    if engagements is None or not impressions:
        return None
    return round(100 * engagements / impressions, 2)


def totals(scope: Scope, period: Period) -> dict:
    """Sums over the posts published in `period`; a metric no post reported is None."""
    return totals_for(scope, period)[0]


def totals_for(scope: Scope, *periods: Period) -> list[dict]:
    """`totals` for several periods in one scan (the dashboard: this period and the one
    before): one range over the union, each period's sums filtered by its own range."""
    first = min(p.start for p in periods)
    last = max(p.end for p in periods)
    qs = (TargetMetrics.objects.for_org(scope.organization)
          .filter(account_id__in=scope.account_ids, published_at__gte=first, published_at__lt=last))
    aggregates = {}
    for i, period in enumerate(periods):
        inside = Q(published_at__gte=period.start, published_at__lt=period.end)
        measured_reach = inside & Q(impressions__isnull=False, impressions__gt=0)
        # Aliases must not shadow the model's field names, hence the "p<i>_" prefix.
        aggregates.update({
            f"p{i}_posts": Count("published_at", filter=inside),
            f"p{i}_measured": Count("published_at", filter=inside & Q(fetched_at__isnull=False)),
            f"p{i}_engagements": Sum("engagements", filter=inside),
            f"p{i}_rate_engagements": Sum("engagements", filter=measured_reach),
            f"p{i}_rate_impressions": Sum("impressions", filter=measured_reach),
            f"p{i}_last_fetched": Max("fetched_at", filter=inside),
            **{f"p{i}_{name}": Sum(name, filter=inside) for name in POST_METRIC_NAMES},
        })
    raw = qs.aggregate(**aggregates)
    result = []
    for i in range(len(periods)):
        prefix = f"p{i}_"
        agg = {k[len(prefix):]: v for k, v in raw.items() if k.startswith(prefix)}
        agg["engagement_rate"] = rate(agg.pop("rate_engagements"), agg.pop("rate_impressions"))
        result.append(agg)
    return result


def posts_per_day(scope: Scope) -> dict:
    rows = (_published(scope, scope.period)
            .annotate(day=TruncDate("published_at", tzinfo=scope.tz))
            .values("day").annotate(n=Count("*")).order_by("day"))
    return {r["day"]: r["n"] for r in rows}


def post_rows(scope: Scope, *, limit: int | None = TABLE_LIMIT, order: str = "best"):
    """Published targets with their latest values, best (or worst) engagement first."""
    # The target and its post come in a second query for just these rows: joining them
    # before the sort would make the database join every post of the period.
    qs = (_published(scope, scope.period).select_related("account")
          .prefetch_related(Prefetch("target", PostTarget.objects.select_related("post"))))
    if order == "worst":
        qs = qs.filter(engagements__isnull=False).order_by(F("engagements").asc(), "published_at")
    else:
        qs = qs.order_by(F("engagements").desc(nulls_last=True), "-published_at")
    return list(qs[:limit] if limit else qs.iterator(chunk_size=2000))


def label_rows(scope: Scope) -> list[dict]:
    """Results per label/campaign (a post with two labels counts for both)."""
    measured_reach = Q(impressions__isnull=False, impressions__gt=0)
    rows = (_published(scope, scope.period)
            .values(label=F("post__labels__name"))
            .annotate(t_posts=Count("*"), t_impressions=Sum("impressions"),
                      t_engagements=Sum("engagements"), t_clicks=Sum("clicks"),
                      rate_e=Sum("engagements", filter=measured_reach),
                      rate_i=Sum("impressions", filter=measured_reach))
            .order_by(F("t_engagements").desc(nulls_last=True), "label"))
    result = []
    for row in rows:
        result.append({"label": row["label"], "posts": row["t_posts"],
                       "impressions": row["t_impressions"], "engagements": row["t_engagements"],
                       "clicks": row["t_clicks"],
                       "engagement_rate": rate(row["rate_e"], row["rate_i"])})
    return result


TABLES_CACHE_SECONDS = 60


def _cache_key(kind: str, scope: Scope, totals_now: dict) -> str:
    """Per organisation, accounts and period, versioned by the period's post count and
    latest fetch time (from `totals_now`, already computed): a new snapshot moves the
    rollup's fetched_at and a new post the count, so either starts a fresh entry."""
    accounts = ",".join(str(pk) for pk in sorted(scope.account_ids))
    last = totals_now.get("last_fetched")
    version = f"{totals_now.get('posts')}:{last.timestamp() if last else ''}"
    raw = (f"{scope.organization.pk}:{accounts}:{scope.period.first}:{scope.period.last}:"
           f"{scope.tz.key}:{version}")
    return f"analytics:{kind}:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def _cached(kind: str, scope: Scope, totals_now: dict, compute):
    key = _cache_key(kind, scope, totals_now)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TABLES_CACHE_SECONDS)
    return value


def cached_label_rows(scope: Scope, totals_now: dict) -> list[dict]:
    """`label_rows`, cached for a minute: the label join is the dashboard's slowest query."""
    return _cached("labels", scope, totals_now, lambda: label_rows(scope))


def cached_post_rows(scope: Scope, totals_now: dict, *, limit: int, order: str = "best"):
    """`post_rows` for the page's tables, cached for a minute like the labels: sorting every
    post of the period by engagements is the next most expensive query. (Text edits of a
    post show up within that minute.)"""
    return _cached(f"rows-{order}-{limit}", scope, totals_now,
                   lambda: post_rows(scope, limit=limit, order=order))
