"""Showing untrusted platform content safely."""

import datetime as dt
import re
from functools import lru_cache

import nh3
from django import template
from django.templatetags.static import static
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import npgettext, pgettext

register = template.Library()

LINK_REL = "nofollow noopener noreferrer"
ALLOWED_TAGS = {"p", "br", "a", "span", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote"}
URL_RE = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")
LOGOS = {"bluesky", "facebook", "instagram", "mastodon", "threads", "x"}


def sanitize_html(html: str) -> str:
    """Platform HTML (Mastodon statuses): a few tags, http(s) links only, opened safely."""
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes={"a": {"href"}}, link_rel=LINK_REL,
        url_schemes={"http", "https"}, set_tag_attribute_values={"a": {"target": "_blank"}},
    )


def linkify_text(text: str) -> str:
    """Plain platform text: escaped, URLs made into safe links, line breaks kept."""
    out, last = [], 0
    for match in URL_RE.finditer(text):
        out.append(escape(text[last:match.start()]))
        url = match.group(0)
        out.append(format_html('<a href="{}" rel="{}" target="_blank">{}</a>', url, LINK_REL, url))
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out).replace("\n", "<br>")


@register.filter
def item_body(item) -> str:
    html = item.raw.get("content_html") if isinstance(item.raw, dict) else None
    if isinstance(html, str) and html.strip():
        return mark_safe(sanitize_html(html))  # noqa: S308 - sanitised by nh3 just above
    return mark_safe(linkify_text(item.text))  # noqa: S308 - every piece escaped above


def short_age(value: dt.datetime, now: dt.datetime) -> str:
    """"5 min", "3 h", "2 d"; older than a week the date. timesince's two-unit phrase
    ("3 days, 4 hours") costs a good deal more per row and reads worse in a list."""
    seconds = max(0, int((now - value).total_seconds()))
    if seconds < 60:
        return pgettext("age", "now")
    if seconds < 3600:
        n = seconds // 60
        return npgettext("age", "%(n)d min", "%(n)d min", n) % {"n": n}
    if seconds < 86400:
        n = seconds // 3600
        return npgettext("age", "%(n)d h", "%(n)d h", n) % {"n": n}
    if seconds < 7 * 86400:
        n = seconds // 86400
        return npgettext("age", "%(n)d d", "%(n)d d", n) % {"n": n}
    return date_format(timezone.localtime(value), "SHORT_DATE_FORMAT")


@register.filter
def row_time(value: dt.datetime | None) -> str:
    """A list row's time: machine-readable stamp, full date on hover, short age shown."""
    if value is None:
        return ""
    return format_html('<time datetime="{}" title="{}">{}</time>', value.isoformat(),
                       date_format(timezone.localtime(value), "DATETIME_FORMAT"),
                       short_age(value, timezone.now()))


@register.simple_tag
def platform_logo(account) -> str:
    """The account's network logo, named for it ("Sandbox (like Bluesky)") on hover and
    for screen readers."""
    from platforms.registry import account_label

    return _platform_logo(account.provider, account_label(account))


@lru_cache(maxsize=256)  # static URLs are fixed for the life of the process
def _platform_logo(provider: str, label: str) -> SafeString:
    if provider in LOGOS:
        return format_html('<img class="platform-logo" src="{}" alt="{}" title="{}" width="16" '
                           'height="16">', static(f"vendor/simple-icons/{provider}.svg"),
                           label, label)
    return format_html(
        '<svg class="icon platform-logo" role="img" aria-label="{}" focusable="false">'
        '<title>{}</title><use href="{}#globe"></use></svg>', label, label,
        static("vendor/lucide/sprite.svg"))


@register.filter
def get_examples(examples: dict | None, term: str) -> list:
    """A trend's example posts (inbox.trends.Trends.examples)."""
    return (examples or {}).get(term, [])
