"""The numbers behind each chart, as plain JSON for static/js/analytics.js (json_script)."""

from __future__ import annotations

import html

from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from analytics.formatting import NumberFormatter


def esc(value) -> str:
    """conditional_escape without its lazy-string machinery (a tenth of the cost per cell):
    safe HTML (the "not available" marker) as it is, anything else escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def table_of(chart: dict, first_column: str, fmt: NumberFormatter) -> dict:
    """The same numbers as a table (rows = x labels, one column per series) for people
    who cannot see the chart; rendered under each chart, never drawn from the canvas.
    A day without a measurement is "–" (a gap), not zero."""
    rows = [[label, *[("–" if ds["data"][i] is None else fmt(ds["data"][i]))
                      for ds in chart["datasets"]]]
            for i, label in enumerate(chart["labels"])]
    # Built here rather than in a template loop (or format_html per cell, which cost a
    # fifth of the dashboard's time): twenty accounts over a year are 7,000 cells.
    body = mark_safe("".join(  # noqa: S308 - every cell is escaped right here
        f'<tr><th scope="row">{esc(row[0])}</th>'
        + "".join(f'<td class="num">{esc(c)}</td>' for c in row[1:]) + "</tr>"
        for row in rows))
    return {"head": [first_column, *[ds["label"] for ds in chart["datasets"]]],
            "rows": rows, "body": body}


def charts_payload(data: dict) -> tuple[dict, dict]:
    """(charts for json_script, the same numbers as formatted tables for the page)."""
    charts = _charts(data)
    fmt = NumberFormatter()
    tables = {key: table_of(charts[key], first, fmt)
              for key, first in (("followers", _("Date")), ("posts", _("Date")),
                                 ("inbox", _("Date")), ("labels", _("Label")),
                                 ("sentiment", _("Date")))}
    for key, table in tables.items():
        table["summary"] = summary_of(key, charts[key], fmt)
    return charts, tables


SUMMARY_SERIES = 3  # accounts named in the follower summary; the table has all of them


def summary_of(key: str, chart: dict, fmt: NumberFormatter) -> str:
    """One or two sentences that say what the chart shows, for everyone (and as the
    canvas's description for screen readers); the table under it has every number."""
    labels = chart["labels"]
    if not chart["datasets"] or not labels:
        return ""
    if chart["type"] == "line":
        parts = []
        for ds in chart["datasets"][:SUMMARY_SERIES]:
            measured = [v for v in ds["data"] if v is not None]
            if measured:
                parts.append(_("%(name)s from %(first)s to %(last)s") % {
                    "name": ds["label"], "first": fmt(measured[0]), "last": fmt(measured[-1])})
        more = len(chart["datasets"]) - SUMMARY_SERIES
        text = "; ".join(parts)
        if more > 0:
            text += "; " + ngettext("%(n)s more account in the table",
                                    "%(n)s more accounts in the table", more) % {"n": more}
        return (_("Followers: %(series)s.") % {"series": text}) if parts else ""
    if key == "sentiment":
        return _sentiment_summary(chart, fmt)
    values = chart["datasets"][0]["data"]
    known = [(v, i) for i, v in enumerate(values) if v is not None]
    if not known:
        return ""
    best, index = max(known, key=lambda pair: (pair[0], -pair[1]))
    if key == "labels":
        return _("Most engagements: %(label)s (%(n)s), of %(count)s labels.") % {
            "label": labels[index], "n": fmt(best), "count": len(labels)}
    total = sum(v for v, _i in known)
    if not total:
        return _("None in this period.")
    return _("%(total)s in total, %(average)s a day on average; most on %(day)s (%(n)s).") % {
        "total": fmt(total), "average": fmt(round(total / len(values), 1)),
        "day": labels[index], "n": fmt(best)}


def _sentiment_summary(chart: dict, fmt: NumberFormatter) -> str:
    totals = {ds["key"]: sum(ds["data"]) for ds in chart["datasets"]}
    if not sum(totals.values()):
        return ""
    return _("%(negative)s negative, %(neutral)s neutral and %(positive)s positive items in "
             "this period.") % {k: fmt(v) for k, v in totals.items()}


# Negative, neutral, positive: the status colours of the inbox's sentiment badges.
SENTIMENT_COLOURS = {"negative": "#b91c1c", "neutral": "#6b7280", "positive": "#15803d"}


def _sentiment_chart(labels: list[str], dates: list, per_day: dict) -> dict:
    from inbox.models import Sentiment

    names = dict(Sentiment.choices)
    return {
        "type": "bar",
        "stacked": True,
        "labels": labels,
        "datasets": [{"key": key, "label": str(names[key]), "colour": colour,
                      "data": [per_day.get(d, {}).get(key, 0) for d in dates]}
                     for key, colour in SENTIMENT_COLOURS.items()],
    }


def _charts(data: dict) -> dict:
    scope = data["scope"]
    dates = scope.period.dates()
    labels = [formats.date_format(d, "SHORT_DATE_FORMAT") for d in dates]
    names = {a.pk: a.name for a in scope.accounts}
    followers = data["followers"]
    return {
        "followers": {
            "type": "line",
            "labels": labels,
            "datasets": [{"label": names.get(aid, str(aid)), "data": values}
                         for aid, values in followers["series"].items()],
        },
        "posts": {
            "type": "bar",
            "labels": labels,
            "datasets": [{"label": _("Posts published"),
                          "data": [data["posts_per_day"].get(d, 0) for d in dates]}],
        },
        "inbox": {
            "type": "bar",
            "labels": labels,
            "datasets": [{"label": _("Inbox items"),
                          "data": [data["inbox"]["per_day"].get(d, 0) for d in dates]}],
        },
        "sentiment": _sentiment_chart(labels, dates, data["sentiment"]["per_day"]),
        "labels": {
            "type": "bar",
            "labels": [row["label"] or _("No label") for row in data["labels"]],
            "datasets": [{"label": _("Engagements"),
                          "data": [row["engagements"] for row in data["labels"]]}],
        },
    }
