"""The numbers behind each chart, as plain JSON for static/js/analytics.js (json_script)."""

from __future__ import annotations

import html

from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from analytics.formatting import NumberFormatter

WEEKDAYS = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))


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
                                 ("inbox", _("Date")), ("labels", _("Label")))}
    return charts, tables


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
        "labels": {
            "type": "bar",
            "labels": [row["label"] or _("No label") for row in data["labels"]],
            "datasets": [{"label": _("Engagements"),
                          "data": [row["engagements"] for row in data["labels"]]}],
        },
    }
