"""CSV exports of every dashboard table, streamed row by row.

Cells are written with the csv module's quoting, and text that a spreadsheet would run as
a formula (starting with = + - @, tab or carriage return) is prefixed with an apostrophe:
post texts and labels come from people and platforms, not from us.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from analytics.models import POST_METRIC_NAMES
from analytics.selectors import audience, inbox, links, posts, sentiment, timing
from analytics.selectors.dashboard import dashboard_data
from analytics.selectors.scope import Scope
from lib.weburl import http_url
from platforms.registry import account_label, provider_name

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TABLES = ("summary", "followers", "posts", "labels", "heatmap", "inbox", "daily", "links",
          "sentiment")


def safe_cell(value) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def stream_csv(rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read UTF-8
    for row in rows:
        yield writer.writerow([safe_cell(v) for v in row])


def csv_rows(table: str, scope: Scope) -> Iterator[list]:
    return {"summary": _summary, "followers": _followers, "posts": _posts, "labels": _labels,
            "heatmap": _heatmap, "inbox": _inbox, "daily": _daily, "links": _links,
            "sentiment": _sentiment}[table](scope)


def _na(value):
    return _("not available") if value is None else value


def _summary(scope: Scope):
    data = dashboard_data(scope)
    yield [_("Metric"), _("This period"), _("Previous period"), _("Change"), _("Change %")]
    for kpi in data["kpis"]:
        d = kpi["delta"] or {}
        yield [str(kpi["label"]), _na(kpi["value"]), _na(kpi["previous"]), d.get("diff"),
               d.get("pct")]
    for name, current, before in data["metric_totals"]:
        yield [name, _na(current), _na(before), None, None]


def _followers(scope: Scope):
    data = audience.follower_series(scope)
    names = {a.pk: a for a in scope.accounts}
    yield [_("Date"), _("Account"), _("Platform"), _("Followers"), _("Source field")]
    for aid, values in data["series"].items():
        account = names.get(aid)
        field = data["sources"].get(aid, ("", None))[0]
        for day, value in zip(data["dates"], values, strict=True):
            if value is not None:
                yield [day.isoformat(), account.name, account_label(account), value, field]


def _posts(scope: Scope):
    yield [_("Published"), _("Account"), _("Platform"), _("Text"), _("Link"),
           *POST_METRIC_NAMES, _("Engagements"), _("Engagement rate %"), _("Fetched"),
           _("Source fields")]
    for row in posts.post_rows(scope, limit=None):
        sources = "; ".join(f"{m}={s.get('field', '')}" for m, s in sorted(row.sources.items())
                            if isinstance(s, dict))
        yield [row.published_at.astimezone(scope.tz).isoformat(), row.account.name,
               account_label(row.account), row.target.effective_text[:500],
               http_url(row.target.remote_url),
               *[getattr(row, m) for m in POST_METRIC_NAMES], row.engagements,
               posts.rate(row.engagements, row.impressions),
               row.fetched_at.isoformat() if row.fetched_at else None, sources]


def _labels(scope: Scope):
    yield [_("Label"), _("Posts"), _("Impressions"), _("Engagements"), _("Link clicks"),
           _("Engagement rate %")]
    for row in posts.label_rows(scope):
        yield [row["label"] or _("No label"), row["posts"], row["impressions"],
               row["engagements"], row["clicks"], row["engagement_rate"]]


def _heatmap(scope: Scope):
    yield [_("Weekday (1 = Monday)"), _("Hour"), _("Posts"), _("Average engagements")]
    for day in timing.heatmap(scope)["grid"]:
        for cell in day:
            yield [cell["weekday"], cell["hour"], cell["posts"], cell["avg"]]


def _inbox(scope: Scope):
    data = inbox.inbox_stats(scope)
    yield [_("Member"), _("Items answered"), _("Median first response (minutes)")]
    for row in data["members"]:
        yield [row["member"], row["answered"], row["median_minutes"]]


def _daily(scope: Scope):
    per_day = posts.posts_per_day(scope)
    inbox_days = inbox.inbox_stats(scope)["per_day"]
    yield [_("Date"), _("Posts published"), _("Inbox items")]
    for day in scope.period.dates():
        yield [day.isoformat(), per_day.get(day, 0), inbox_days.get(day, 0)]


def _links(scope: Scope):
    """Every short link of the selected accounts with its clicks in the period and in all."""
    from analytics.services.links import short_url

    days = scope.period
    yield [_("Short link"), _("Leads to"), _("Platform"), _("Account"), _("Post published"),
           _("Clicks in the period"), _("Clicks in all"), _("Enabled")]
    in_period = links.clicks_per_link(scope, days)
    for link in links.links_page(scope.organization, scope.account_ids).iterator():
        published = link.target.published_at if link.target else None
        yield [short_url(link.code), link.url,
               account_label(link.account) if link.account else provider_name(link.provider),
               link.account.name if link.account else "",
               published.astimezone(scope.tz).isoformat() if published else None,
               in_period.get(link.pk, 0), link.clicks, link.enabled]


def _sentiment(scope: Scope):
    """Analysed items per day and account (days without any are left out)."""
    accounts = {a.pk: a for a in scope.accounts}
    yield [_("Date"), _("Account"), _("Platform"), _("Negative"), _("Neutral"), _("Positive"),
           _("Net score")]
    counts = sentiment.day_account_counts(scope)
    for (day, account_id), row in sorted(counts.items(),
                                         key=lambda kv: (kv[0][0], accounts[kv[0][1]].name)):
        account = accounts[account_id]
        yield [day.isoformat(), account.name, account_label(account),
               *[row.get(k, 0) for k in sentiment.LABELS], sentiment.net_score(row)]
