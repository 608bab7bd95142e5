"""Everything the dashboard (and the PDF report) shows, in a constant number of queries."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics.labels import metric_label
from analytics.models import POST_METRIC_NAMES
from analytics.selectors import audience, inbox, links, posts, sentiment, timing
from analytics.selectors.scope import Scope

DEFINITION = gettext_lazy(
    "Engagements are likes, reposts, replies, quotes, saves, bookmarks and link clicks, as "
    "far as each platform reports them, for the posts published in the period (their latest "
    "counts). Engagement rate = engagements ÷ impressions, over the posts whose platform "
    "reports impressions.")


def delta(current, previous) -> dict | None:
    """Change against the previous period; None when either side was not measured."""
    if current is None or previous is None:
        return None
    diff = current - previous
    pct = round(100 * diff / previous, 1) if previous else None
    return {"diff": round(diff, 2), "pct": pct, "up": diff > 0, "down": diff < 0}


def dashboard_data(scope: Scope) -> dict:
    previous = scope.period.previous()
    now_totals, before = posts.totals_for(scope, scope.period, previous)
    followers = audience.follower_series(scope)
    rows = posts.cached_post_rows(scope, now_totals, limit=posts.TABLE_LIMIT)
    inbox_data = inbox.inbox_stats(scope)
    kpis = [
        _kpi("followers", _("Follower growth"), followers["growth"], followers["previous_growth"]),
        _kpi("posts", _("Posts published"), now_totals["posts"], before["posts"]),
        _kpi("impressions", _("Impressions"), now_totals["impressions"], before["impressions"]),
        _kpi("engagements", _("Engagements"), now_totals["engagements"], before["engagements"]),
        _kpi("engagement_rate", _("Engagement rate"), now_totals["engagement_rate"],
             before["engagement_rate"], suffix="%"),
        _kpi("clicks", _("Link clicks"), now_totals["clicks"], before["clicks"]),
        _kpi("inbox", _("Inbox items"), inbox_data["volume"], inbox_data["previous_volume"]),
    ]
    metric_totals = [(m, now_totals[m], before[m]) for m in POST_METRIC_NAMES]
    reported = [m for m, cur, prev in metric_totals if cur is not None or prev is not None]
    return {
        "scope": scope,
        "previous": previous,
        "totals": now_totals,
        "previous_totals": before,
        "kpis": kpis,
        "metric_totals": metric_totals,
        # The page leaves out what no selected network reports (one note names them);
        # the CSV and PDF keep every metric, marked "not available".
        "reported_metrics": reported,
        "reported_totals": [(metric_label(m), cur, prev) for m, cur, prev in metric_totals
                            if m in reported],
        "unreported": _unreported(kpis, reported),
        "followers": followers,
        "posts_per_day": posts.posts_per_day(scope),
        "post_rows": rows,
        "top": [r for r in rows if r.engagements is not None][: posts.TOP],
        "bottom": posts.cached_post_rows(scope, now_totals, limit=posts.TOP, order="worst"),
        "labels": posts.cached_label_rows(scope, now_totals),
        "heatmap": timing.cached_heatmap(scope),
        "inbox": inbox_data,
        "provenance": provenance(rows),
        "collected_since": audience.collected_since(scope),
        "short_links": _short_links(scope),
        "sentiment": _sentiment(scope),
    }


def _short_links(scope: Scope) -> dict | None:
    """Clicks on own short links; None (no card) while the accounts have none."""
    if not links.has_short_links(scope):
        return None
    stats = links.short_link_stats(scope)
    return {**stats, "delta": delta(stats["clicks"], stats["previous"])}


def _sentiment(scope: Scope) -> dict:
    stats = sentiment.sentiment_stats(scope)
    return {**stats, "delta": delta(stats["net"], stats["previous_net"])}


NETWORK_REPORTED = ("impressions", "engagement_rate", "clicks")


def _unreported(kpis, reported) -> list:
    """Names of the figures no selected network reports, each once (tiles, then metrics)."""
    names = [kpi["label"] for kpi in kpis if not kpi["reported"]]
    names += [metric_label(m) for m in POST_METRIC_NAMES if m not in reported]
    unique = []
    for name in names:
        if str(name) not in [str(n) for n in unique]:
            unique.append(name)
    return unique


def _kpi(key, label, value, previous, suffix="") -> dict:
    return {"key": key, "label": label, "value": value, "previous": previous,
            "delta": delta(value, previous), "suffix": suffix,
            # Only the figures a network may not report at all are left out when absent;
            # follower growth, posts and inbox items always show (a gap is "not available").
            "reported": key not in NETWORK_REPORTED or value is not None or previous is not None}


def provenance(rows) -> list[dict]:
    """Which platform fields the figures come from, and the latest fetch per platform."""
    seen: dict[str, dict] = {}
    for row in rows:
        entry = seen.setdefault(row.provider, {"provider": row.provider, "fields": {},
                                               "fetched_at": None})
        for metric, src in (row.sources or {}).items():
            entry["fields"][metric] = src.get("field", "") if isinstance(src, dict) else src
        if row.fetched_at and (entry["fetched_at"] is None or row.fetched_at > entry["fetched_at"]):
            entry["fetched_at"] = row.fetched_at
    return sorted(seen.values(), key=lambda e: e["provider"])
