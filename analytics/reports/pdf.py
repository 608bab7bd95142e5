"""The PDF report (for clients and team leads), drawn with ReportLab and its charts module."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from analytics.selectors.dashboard import DEFINITION, dashboard_data
from analytics.selectors.scope import Scope
from lib.weburl import http_url
from platforms.registry import account_label, provider_name

PALETTE = [colors.HexColor(c) for c in ("#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626",
                                        "#0891b2", "#4d7c0f", "#be185d")]
CHART_W, CHART_H = 170 * mm, 60 * mm


@cache
def _fonts() -> tuple[str, str]:
    """A Unicode TrueType font (DejaVu when installed, else ReportLab's bundled Vera)."""
    candidates = [(Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
                   Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")),
                  (Path(reportlab.__file__).parent / "fonts" / "Vera.ttf",
                   Path(reportlab.__file__).parent / "fonts" / "VeraBd.ttf")]
    for regular, bold in candidates:
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("ReportSans", str(regular)))
            pdfmetrics.registerFont(TTFont("ReportSans-Bold", str(bold)))
            return "ReportSans", "ReportSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _styles():
    regular, bold = _fonts()
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("t", parent=base["Title"], fontName=bold, fontSize=18),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=bold, fontSize=12,
                             spaceBefore=8, spaceAfter=4),
        "body": ParagraphStyle("b", parent=base["BodyText"], fontName=regular, fontSize=9),
        "small": ParagraphStyle("s", parent=base["BodyText"], fontName=regular, fontSize=7.5,
                                textColor=colors.HexColor("#475569")),
    }


def _num(value, suffix="") -> str:
    if value is None:
        return _("not available")
    return f"{formats.number_format(value, force_grouping=True)}{suffix}"


def _change(d: dict | None) -> str:
    if d is None:
        return ""
    pct = f" ({d['pct']:+}%)" if d["pct"] is not None else ""
    return f"{d['diff']:+}{pct}"


def _table(rows: list[list], widths=None) -> Table:
    regular, bold = _fonts()
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), regular, 8),
        ("FONT", (0, 0), (-1, 0), bold, 8),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#94a3b8")),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#e2e8f0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
    ]))
    return table


def _line_chart(labels: list[str], series: list[tuple[str, list]]) -> Drawing:
    regular, _bold = _fonts()
    drawing = Drawing(CHART_W, CHART_H)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 30, 20, CHART_W - 140, CHART_H - 30
    plot.data = [[(i, v) for i, v in enumerate(values) if v is not None] or [(0, 0)]
                 for _name, values in series]
    for i, _s in enumerate(series):
        plot.lines[i].strokeColor = PALETTE[i % len(PALETTE)]
        plot.lines[i].strokeWidth = 1.5
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, max(1, len(labels) - 1)
    step = max(1, len(labels) // 6)
    plot.xValueAxis.valueSteps = list(range(0, len(labels), step))
    plot.xValueAxis.labelTextFormat = lambda i: labels[int(i)] if 0 <= int(i) < len(labels) else ""
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName, axis.labels.fontSize = regular, 6
    drawing.add(plot)
    for i, (name, _values) in enumerate(series[:8]):
        drawing.add(String(CHART_W - 100, CHART_H - 12 - i * 10, name[:28], fontName=regular,
                           fontSize=6, fillColor=PALETTE[i % len(PALETTE)]))
    return drawing


def _bar_chart(labels: list[str], values: list[int]) -> Drawing:
    regular, _bold = _fonts()
    drawing = Drawing(CHART_W, CHART_H)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 20, CHART_W - 50, CHART_H - 30
    chart.data = [values or [0]]
    chart.bars[0].fillColor = PALETTE[0]
    step = max(1, len(labels) // 8)
    chart.categoryAxis.categoryNames = [lbl if i % step == 0 else ""
                                        for i, lbl in enumerate(labels)]
    chart.valueAxis.valueMin = 0
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName, axis.labels.fontSize = regular, 6
    drawing.add(chart)
    return drawing


def render_report(scope: Scope) -> bytes:
    """The report for `scope` (a period and a set of accounts) as PDF bytes."""
    s = _styles()
    data = dashboard_data(scope)
    period, previous = scope.period, data["previous"]
    dates = period.dates()
    labels = [formats.date_format(d, "SHORT_DATE_FORMAT") for d in dates]
    story = [
        Paragraph(escape(_("Analytics report: %(org)s") % {"org": scope.organization.name}),
                  s["title"]),
        Paragraph(escape(_("Period: %(first)s – %(last)s (compared with %(pfirst)s – %(plast)s), "
                           "time zone %(tz)s") % {
            "first": formats.date_format(period.first), "last": formats.date_format(period.last),
            "pfirst": formats.date_format(previous.first),
            "plast": formats.date_format(previous.last), "tz": scope.tz.key}), s["body"]),
        Paragraph(escape(_("Accounts: %(accounts)s") % {"accounts": ", ".join(
            f"{a.name} ({account_label(a)})" for a in scope.accounts) or "—"}), s["body"]),
        Paragraph(escape(_("Summary")), s["h2"]),
    ]
    rows = [[_("Metric"), _("This period"), _("Previous period"), _("Change")]]
    for kpi in data["kpis"]:
        d = kpi["delta"]
        change = _change(d)
        rows.append([str(kpi["label"]), _num(kpi["value"], kpi["suffix"]),
                     _num(kpi["previous"], kpi["suffix"]), change])
    story += [_table(rows, [60 * mm, 35 * mm, 35 * mm, 40 * mm]),
              Paragraph(escape(str(DEFINITION)), s["small"])]
    names = {a.pk: a.name for a in scope.accounts}
    series = [(names.get(aid, str(aid)), values)
              for aid, values in data["followers"]["series"].items()]
    story.append(Paragraph(escape(_("Followers")), s["h2"]))
    if series:
        story.append(_line_chart(labels, series))
    else:
        story.append(Paragraph(escape(_("No follower counts were collected in this period.")),
                               s["body"]))
    story += [Paragraph(escape(_("Posts published per day")), s["h2"]),
              _bar_chart(labels, [data["posts_per_day"].get(d, 0) for d in dates])]
    story += _posts_section(data, s)
    story += _labels_section(data, s)
    story += _inbox_section(data, s)
    story += _sentiment_section(data, s)
    story += _short_links_section(data, s)
    story += _provenance_section(data, s)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=16 * mm,
                            title=_("Analytics report: %(org)s") % {"org": scope.organization.name},
                            author="socialmgr")
    doc.build(story)
    return buffer.getvalue()


def _posts_section(data, s) -> list:
    out = [Paragraph(escape(_("Top posts")), s["h2"])]
    if not data["top"]:
        return [*out, Paragraph(escape(_("No post metrics in this period.")), s["body"])]
    rows = [[_("Post"), _("Account"), _("Impressions"), _("Engagements")]]
    for row in data["top"]:
        text = escape(row.target.effective_text[:90])
        link = escape(http_url(row.target.remote_url))  # a PDF link may run script too
        cell = Paragraph(f'<link href="{link}">{text}</link>' if link else text, s["small"])
        rows.append([cell, row.account.name[:30], _num(row.impressions), _num(row.engagements)])
    return [*out, _table(rows, [85 * mm, 40 * mm, 22 * mm, 23 * mm])]


def _labels_section(data, s) -> list:
    if not data["labels"]:
        return []
    rows = [[_("Label"), _("Posts"), _("Impressions"), _("Engagements"), _("Rate")]]
    for row in data["labels"]:
        rows.append([row["label"] or _("No label"), row["posts"], _num(row["impressions"]),
                     _num(row["engagements"]), _num(row["engagement_rate"], "%")])
    return [Paragraph(escape(_("Labels and campaigns")), s["h2"]), _table(rows)]


def _inbox_section(data, s) -> list:
    inbox = data["inbox"]
    out = [Paragraph(escape(_("Inbox")), s["h2"]),
           Paragraph(escape(_("%(n)s items arrived; median first response %(m)s minutes.") % {
               "n": inbox["volume"], "m": _num(inbox["median_minutes"])}), s["body"])]
    if inbox["members"]:
        rows = [[_("Member"), _("Answered"), _("Median first response (min)")]]
        rows += [[r["member"], r["answered"], _num(r["median_minutes"])] for r in inbox["members"]]
        out.append(_table(rows))
    return out


def _sentiment_section(data, s) -> list:
    stats = data["sentiment"]
    out = [Paragraph(escape(_("Sentiment of conversations")), s["h2"])]
    if not stats["analysed"]:
        return [*out, Paragraph(escape(_("No analysed items in this period.")), s["body"])]
    counts = stats["counts"]
    out.append(Paragraph(escape(_(
        "Net score %(net)s (before: %(before)s): %(negative)s negative, %(neutral)s neutral and "
        "%(positive)s positive items; positive minus negative per 100 analysed items.") % {
        "net": _signed(stats["net"]), "before": _signed(stats["previous_net"]),
        "negative": _num(counts["negative"]), "neutral": _num(counts["neutral"]),
        "positive": _num(counts["positive"])}), s["body"]))
    for title, first, rows in ((_("By network"), _("Network"), stats["networks"]),
                               (_("By label or campaign (replies to its posts)"), _("Label"),
                                stats["labels"])):
        if rows:
            table = [[first, _("Negative"), _("Neutral"), _("Positive"), _("Net score")]]
            table += [[r["name"][:40], _num(r["negative"]), _num(r["neutral"]),
                       _num(r["positive"]), _signed(r["net"])] for r in rows]
            out += [Paragraph(escape(title), s["small"]), _table(table)]
    return out


def _signed(value) -> str:
    if value is None:
        return "–"
    return ("+" if value > 0 else "−" if value < 0 else "") + _num(abs(value))


def _short_links_section(data, s) -> list:
    links = data["short_links"]
    if links is None:
        return []
    out = [Paragraph(escape(_("Clicks on our short links")), s["h2"]),
           Paragraph(escape(_("%(n)s clicks in this period (before: %(before)s, change "
                              "%(change)s); click-through rate of the period's posts %(ctr)s.") % {
               "n": _num(links["clicks"]), "before": _num(links["previous"]),
               "change": _change(links["delta"]), "ctr": _num(links["ctr"], "%")}), s["body"])]
    if links["top"]:
        rows = [[_("Link"), _("Network"), _("Clicks")]]
        rows += [[row["link"].url[:70], account_label(row["link"].account) if row["link"].account
                  else provider_name(row["link"].provider), _num(row["clicks"])]
                 for row in links["top"]]
        out.append(_table(rows))
    return out


def _provenance_section(data, s) -> list:
    out = [Paragraph(escape(_("Where the numbers come from")), s["h2"])]
    for entry in data["provenance"]:
        fields = ", ".join(f"{m}: {f}" for m, f in sorted(entry["fields"].items()))
        fetched = (formats.date_format(entry["fetched_at"], "SHORT_DATETIME_FORMAT")
                   if entry["fetched_at"] else "—")
        out.append(Paragraph(escape(_("%(platform)s API fields %(fields)s; last fetched %(when)s.")
                                    % {"platform": entry["provider"], "fields": fields or "—",
                                       "when": fetched}), s["small"]))
    out.append(Paragraph(escape(_("Metrics a platform does not report are shown as “not "
                                  "available”, never as zero. Nothing here is estimated.")),
                         s["small"]))
    return out
