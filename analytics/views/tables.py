"""The dashboard's big tables as HTML, built once in Python.

A template loop over the 50-row post table (ten metric cells, links, dates) and the
7×24 heatmap cost more than all the dashboard's queries together; here each row is one
format_html call. Values are escaped by format_html exactly as the template would.
"""

from __future__ import annotations

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from analytics.formatting import NumberFormatter
from lib.weburl import http_url

EMPTY_CELL = SafeString('<span class="visually-hidden">–</span>')


def _when(value) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def _post_link(row, length: int) -> SafeString:
    target = row.target
    text = Truncator(target.effective_text).chars(length)
    link = http_url(target.remote_url)
    if link:
        return format_html('<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>',
                           link, text or _("(no text)"))
    return format_html("{}", text)


def _history_url(org_slug: str):
    # One reverse() for the whole table; the target id is the only part that changes.
    template = reverse("analytics_target", kwargs={"org_slug": org_slug, "pk": 987654321})
    return lambda pk: template.replace("987654321", str(pk))


def _sub_line(row, url, history: str) -> SafeString:
    """Under a post's text: when, where, and the link to its figures' history."""
    return format_html('<span class="muted small">{} · {} · <a href="{}">{}</a></span>',
                       _when(row.published_at), row.account.name, url(row.target_id), history)


def post_table_body(rows, metric_names, org_slug: str) -> SafeString:
    """<tr>s of "Top posts": the post (with date, account, history), each metric the
    selected networks report, and the engagements."""
    fmt = NumberFormatter()
    url = _history_url(org_slug)
    history, none_offered = _("history and sources"), _("the platform offers no post metrics")
    out = []
    for row in rows:
        note = (format_html(' <span class="muted small">({})</span>', none_offered)
                if row.unsupported else "")
        cells = format_html_join("", '<td class="num">{}</td>',
                                 ((fmt(getattr(row, m)),) for m in metric_names))
        out.append(format_html(
            '<tr><td class="post-cell">{}{}<br>{}</td>{}<td class="num"><strong>{}</strong></td>'
            '</tr>', _post_link(row, 80), note, _sub_line(row, url, history), cells,
            fmt(row.engagements)))
    return SafeString("".join(out))


def top_table_body(rows, org_slug: str, *, impressions: bool = True) -> SafeString:
    """<tr>s of the bottom posts table: the post with its date and account, impressions
    (when the networks report them) and engagements."""
    fmt = NumberFormatter()
    url = _history_url(org_slug)
    history = _("history and sources")
    out = []
    for row in rows:
        reach = format_html('<td class="num">{}</td>', fmt(row.impressions)) if impressions else ""
        out.append(format_html('<tr><td class="post-cell">{}<br>{}</td>{}<td class="num">{}</td>'
                               '</tr>', _post_link(row, 70), _sub_line(row, url, history),
                               reach, fmt(row.engagements)))
    return SafeString("".join(out))


def heatmap_body(heatmap: dict, weekdays: dict) -> SafeString:
    """<tr>s of the best-time heatmap: one row per weekday, one cell per hour."""
    out = []
    for number, day in enumerate(heatmap["grid"], start=1):
        cells = []
        for cell in day:
            if cell["avg"] is None:
                inner = EMPTY_CELL
            else:
                label = ngettext("%(n)s post", "%(n)s posts", cell["posts"]) % {"n": cell["posts"]}
                inner = format_html('<span class="heat-value">{}</span>'
                                    '<span class="visually-hidden"> ({})</span>',
                                    floatformat(cell["avg"], "0"), label)
            cells.append(format_html('<td class="heat-{}">{}</td>', cell["level"], inner))
        out.append(format_html('<tr><th scope="row">{}</th>{}</tr>', weekdays.get(number),
                               SafeString("".join(cells))))
    return SafeString("".join(out))
