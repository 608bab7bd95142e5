"""Trends: hashtags and terms rising in listening results (last 7 days vs the 7 before, and 30).

On PostgreSQL one aggregate query extracts the terms with regexp_matches and counts distinct
items per window with FILTER; elsewhere the same counting runs in Python over the 30 days.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from inbox.models import InboxItem, ItemKind

TERM_PATTERN = r"(#[[:alnum:]_]+|[[:alpha:]][[:alnum:]]{3,})"
PY_TERM = re.compile(r"(#\w+|[^\W\d_]\w{3,})")
STOPWORDS = sorted({
    "this", "that", "with", "from", "have", "just", "your", "what", "when", "will", "they",
    "them", "then", "than", "there", "their", "about", "would", "could", "should", "been",
    "were", "some", "more", "very", "into", "also", "only", "over", "here", "https", "http",
    "like", "does", "dont", "cant", "aber", "auch", "nicht", "eine", "einen", "einem", "einer",
    "oder", "sind", "wird", "wenn", "noch", "schon", "dass", "mehr", "sich", "nach", "heute",
    "mit", "und", "der", "die", "das", "ist", "für", "über", "beim", "haben", "hier", "sein",
})


@dataclass
class TermCount:
    term: str
    last7: int
    prev7: int
    last30: int

    @property
    def change(self) -> int:
        return self.last7 - self.prev7

    @property
    def is_hashtag(self) -> bool:
        return self.term.startswith("#")


def _counts_postgres(organization, now, account_ids) -> list[TermCount]:
    table = InboxItem._meta.db_table
    scope = "" if account_ids is None else "AND i.account_id = ANY(%s)"
    scope_params: list = [] if account_ids is None else [sorted(account_ids)]
    sql = f"""
        WITH terms AS (
            SELECT lower(m[1]) AS term, i.id, i.created_at
            FROM {table} i, regexp_matches(i.text, %s, 'g') AS m
            WHERE i.organization_id = %s AND i.kind = %s AND i.deleted_at IS NULL
              AND i.created_at >= %s {scope}
        )
        SELECT term,
               count(DISTINCT id) FILTER (WHERE created_at >= %s),
               count(DISTINCT id) FILTER (WHERE created_at >= %s AND created_at < %s),
               count(DISTINCT id)
        FROM terms WHERE NOT (term = ANY(%s))
        GROUP BY term
        HAVING count(DISTINCT id) > 1 OR count(DISTINCT id) FILTER (WHERE created_at >= %s) > 0
    """  # noqa: S608 - the table name is ours, every value is a parameter
    w1, w2, w30 = now - dt.timedelta(days=7), now - dt.timedelta(days=14), now - dt.timedelta(
        days=30)
    with connection.cursor() as cur:
        cur.execute(sql, [TERM_PATTERN, organization.pk, ItemKind.LISTENING, w30,
                          *scope_params, w1, w2, w1, STOPWORDS, w1])
        return [TermCount(*row) for row in cur.fetchall()]


def _scoped(organization, account_ids):
    qs = InboxItem.objects.for_org(organization).visible()
    return qs if account_ids is None else qs.filter(account_id__in=account_ids)


def _counts_python(organization, now, account_ids) -> list[TermCount]:
    w1, w2 = now - dt.timedelta(days=7), now - dt.timedelta(days=14)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    rows = _scoped(organization, account_ids).filter(
        kind=ItemKind.LISTENING, created_at__gte=now - dt.timedelta(days=30)
    ).values_list("text", "created_at")[:50_000]
    stop = set(STOPWORDS)
    for text, created in rows:
        for term in {t.lower() for t in PY_TERM.findall(text)} - stop:
            c = counts[term]
            c[2] += 1
            if created >= w1:
                c[0] += 1
            elif created >= w2:
                c[1] += 1
    return [TermCount(t, *c) for t, c in counts.items()]


@dataclass
class Trends:
    rising_hashtags: list[TermCount]
    rising_terms: list[TermCount]
    top_hashtags_30: list[TermCount]
    top_terms_30: list[TermCount]
    items_30: int


def listening_trends(organization, *, now: dt.datetime | None = None, limit: int = 15,
                     account_ids: frozenset[int] | None = None) -> Trends:
    """`account_ids` limits the counting to a member's accounts (None: all)."""
    now = now or timezone.now()
    counts = (_counts_postgres if connection.vendor == "postgresql" else _counts_python)(
        organization, now, account_ids)
    rising = sorted((c for c in counts if c.change > 0), key=lambda c: (-c.change, c.term))
    top = sorted(counts, key=lambda c: (-c.last30, c.term))
    items_30 = _scoped(organization, account_ids).filter(
        kind=ItemKind.LISTENING, created_at__gte=now - dt.timedelta(days=30)).count()
    return Trends(
        rising_hashtags=[c for c in rising if c.is_hashtag][:limit],
        rising_terms=[c for c in rising if not c.is_hashtag][:limit],
        top_hashtags_30=[c for c in top if c.is_hashtag][:limit],
        top_terms_30=[c for c in top if not c.is_hashtag][:limit],
        items_30=items_30,
    )
