from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def metric(value, suffix=""):
    """A figure, or “not available” when the platform did not report it (never 0)."""
    if value is None:
        return format_html('<span class="metric-na">{}</span>', _("not available"))
    return f"{formats.number_format(value, force_grouping=True)}{suffix}"


@register.filter
def metric_before(value, suffix=""):
    """A previous-period figure, or a dash when there was nothing to measure then."""
    if value is None:
        return format_html('<span class="metric-na" aria-hidden="true">–</span>'
                           '<span class="visually-hidden">{}</span>', _("no figures"))
    return metric(value, suffix)


@register.filter
def signed(value):
    """A score with its sign (+12, −7, 0); a dash when there is none."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{formats.number_format(abs(value), force_grouping=True)}"


@register.inclusion_tag("analytics/_delta.html")
def delta(d, suffix=""):
    return {"d": d, "suffix": suffix}


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def get_attr(obj, name):
    return getattr(obj, name, None)


@register.filter
def metric_name(key):
    """A metric's translated display name ("impressions" → "Impressionen")."""
    from analytics.labels import metric_label

    return metric_label(key)



@register.filter
def link_display(url):
    """A link as people read it: host and path, without the scheme and the query (the UTM
    parameters), shortened to fit a table cell; the full address stays in the href."""
    from urllib.parse import urlsplit

    parts = urlsplit(url or "")
    shown = (parts.netloc + parts.path).rstrip("/") or url
    return shown if len(shown) <= 48 else shown[:47] + "…"
