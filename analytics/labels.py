"""Display names for metrics and weekdays, translated when shown (lazy, never at import)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

METRIC_LABELS = {
    "impressions": _("Impressions"),
    "reach": _("Reach"),
    "likes": _("Likes"),
    "reposts": _("Reposts"),
    "replies": pgettext_lazy("metric", "Replies"),
    "clicks": _("Link clicks"),
    "saves": _("Saves"),
    "quotes": _("Quotes"),
    "bookmarks": _("Bookmarks"),
    "engagements": _("Engagements"),
    "engagement_rate": _("Engagement rate"),
    "followers": _("Followers"),
    "following": _("Following"),
    "posts": _("Posts"),
}

# ISO weekday order (1 = Monday), abbreviated as the locale abbreviates them (Mo … So).
WEEKDAYS = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))


def metric_label(name: str):
    return METRIC_LABELS.get(name, name)
