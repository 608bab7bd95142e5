"""Link tracking: UTM parameters on the links of a post, when the organisation turns it on.

Used by the publishing worker right before a post goes out (content/pipeline/links.py), and
by the composer preview, so people see the links as they will be published:

    rules = link_rules(org)
    if rules.utm:
        text = utm_text(text, source="mastodon", campaign="Spring sale")

Shortening (`rules.shorten`) happens after the UTM rule, in analytics/services/links.py, so a
short link leads to the tagged URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.cache import cache

from analytics.models.settings import LINK_RULES_CACHE
from analytics.services.settings import analytics_settings_for
from content.models import Label

# http(s) URLs in running text; trailing punctuation belongs to the sentence, not the link.
URL_RE = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
TRAILING = ".,;:!?)]}»”’"


def add_utm(url: str, *, source: str, medium: str = "social", campaign: str = "") -> str:
    """The URL with utm_* added; parameters the author already set are kept as they are."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {k.lower() for k, _v in query}
    wanted = [("utm_source", source), ("utm_medium", medium)]
    if campaign:
        wanted.append(("utm_campaign", campaign))
    query += [(k, v) for k, v in wanted if k not in present and v]
    return urlunsplit(parts._replace(query=urlencode(query)))



@dataclass(frozen=True)
class LinkRules:
    """What happens to the links of an organisation's posts when they are published."""

    utm: bool = False
    shorten: bool = False

    def __bool__(self) -> bool:
        return self.utm or self.shorten


def link_rules(organization) -> LinkRules:
    """The organisation's link switches; cached (AnalyticsSettings.save clears it)."""
    def read() -> tuple[bool, bool]:
        saved = analytics_settings_for(organization)
        return saved.utm_enabled, saved.shorten_links

    utm, shorten = cache.get_or_set(LINK_RULES_CACHE.format(organization.pk), read, 300)
    return LinkRules(utm=utm, shorten=shorten)


def utm_enabled(organization) -> bool:
    """Whether the organisation adds UTM parameters to its links."""
    return link_rules(organization).utm


def replace_urls(text: str, replace_url) -> str:
    """`text` with each http(s) URL replaced by `replace_url(url)`; trailing punctuation and
    URLs without a host are left as they are."""
    def replace(match: re.Match) -> str:
        url = match.group(0)
        tail = ""
        while url and url[-1] in TRAILING:
            tail = url[-1] + tail
            url = url[:-1]
        if not urlsplit(url).netloc:
            return match.group(0)
        return replace_url(url) + tail

    return URL_RE.sub(replace, text)


def utm_text(text: str, *, source: str, campaign: str = "") -> str:
    return replace_urls(text, lambda url: add_utm(url, source=source, campaign=campaign))


def campaign_name(label_names) -> str:
    """utm_campaign for a post: its first label by name (blank without labels)."""
    return min(label_names, default="")


def campaign_for_labels(organization, label_ids: list[int]) -> str:
    """`campaign_name` of the organisation's labels with these ids (the composer preview)."""
    return campaign_name(Label.objects.for_org(organization).filter(pk__in=label_ids)
                         .values_list("name", flat=True))
