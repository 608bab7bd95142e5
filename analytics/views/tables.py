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

EMPTY_CELL = SafeString('<span class="visually-hidden">–</span>')


def _when(value) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def _post_link(row, length: int) -> SafeString:
    target = row.target
    text = Truncator(target.effective_text).chars(length)
    if target.remote_url:
        return format_html('<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>',
                           target.remote_url, text or _("(no text)"))
    return format_html("{}", text)


def _history_url(org_slug: str):
    # One reverse() for the whole table; the target id is the only part that changes.
    template = reverse("analytics_target", kwargs={"org_slug": org_slug, "pk": 987654321})
    return lambda pk: template.replace("987654321", str(pk))


def post_table_body(rows, metric_names, org_slug: str) -> SafeString:
    """<tr>s of "Posts in this period": date, post, account, each metric, source."""
    fmt = NumberFormatter()
    url = _history_url(org_slug)
    out = []
    for row in rows:
        if row.unsupported:
            source = _("platform offers none")
        elif row.fetched_at:
            source = _("%(p)s API, %(when)s") % {"p": row.provider, "when": _when(row.fetched_at)}
        else:
            source = _("not measured yet")
        cells = format_html_join("", '<td class="num">{}</td>',
                                 ((fmt(getattr(row, m)),) for m in metric_names))
        out.append(format_html(
            '<tr><td>{}</td><td>{}</td><td>{}</td>{}<td><a href="{}">{}</a></td></tr>',
            _when(row.published_at), _post_link(row, 50), row.account.name, cells,
            url(row.target_id), source))
    return SafeString("".join(out))


def top_table_body(rows, org_slug: str) -> SafeString:
    """<tr>s of the top/bottom post tables."""
    fmt = NumberFormatter()
    url = _history_url(org_slug)
    history = _("history and sources")
    return format_html_join("", (
        '<tr><td>{}<br><span class="muted small">{} · <a href="{}">{}</a></span></td>'
        '<td>{}</td><td class="num">{}</td><td class="num">{}</td></tr>'), (
        (_post_link(row, 70), _when(row.published_at), url(row.target_id), history,
         row.account.name, fmt(row.impressions), fmt(row.engagements)) for row in rows))


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
