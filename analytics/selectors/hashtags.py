"""Hashtag ideas for the composer, each with its evidence: the organisation's own hashtags
that did better than its posts usually do, and hashtags rising in its listening results.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from dataclasses import dataclass

from django.utils import timezone

from analytics.models import TargetMetrics
from inbox.trends import listening_trends

HASHTAG = re.compile(r"(?<![\w&])#(\w{2,64})", re.UNICODE)
OWN_DAYS = 90
MAX_POSTS = 2000  # the latest measured posts the history is read from
LIMIT = 5


@dataclass(frozen=True)
class OwnTag:
    tag: str
    posts: int
    average: float  # engagements per post with the tag
    overall: float  # the median engagements of all measured posts of the period


@dataclass(frozen=True)
class TrendingTag:
    tag: str
    last7: int
    prev7: int


def tags_in(text: str) -> set[str]:
    return {f"#{m.lower()}" for m in HASHTAG.findall(text or "")}


def own_best_hashtags(organization, account_ids, *, exclude=frozenset(), now=None) -> list[OwnTag]:
    """Hashtags of posts published in the last 90 days on these accounts, used at least twice,
    whose posts drew more engagements on average than the accounts' posts usually do (their
    median: one viral post must not make every other tag look weak); best first."""
    now = now or timezone.now()
    rows = list(TargetMetrics.objects.for_org(organization)
                .filter(account_id__in=account_ids, engagements__isnull=False,
                        published_at__gte=now - dt.timedelta(days=OWN_DAYS))
                .order_by("-published_at")
                .values_list("target__text", "post__text", "engagements")[:MAX_POSTS])
    if not rows:
        return []
    overall = statistics.median(r[2] for r in rows)
    per_tag: dict[str, list[int]] = {}
    for target_text, post_text, engagements in rows:
        for tag in tags_in(target_text or post_text):
            per_tag.setdefault(tag, []).append(engagements)
    found = [OwnTag(tag, len(values), sum(values) / len(values), overall)
             for tag, values in per_tag.items()
             if len(values) >= 2 and tag not in exclude and sum(values) / len(values) > overall]
    return sorted(found, key=lambda t: (-t.average, -t.posts, t.tag))[:LIMIT]


def trending_hashtags(organization, account_ids, *, exclude=frozenset(), now=None):
    """Hashtags rising in the listening results (7 days against the 7 before)."""
    trends = listening_trends(organization, now=now, account_ids=account_ids, limit=LIMIT * 3)
    return [TrendingTag(c.term, c.last7, c.prev7) for c in trends.rising_hashtags
            if c.term not in exclude][:LIMIT]
