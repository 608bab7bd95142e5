"""Trends: hashtags and terms rising in listening results, in the inbox's own conversations
or in both (last 7 days vs the 7 before, and 30), each rising one with example posts.

On PostgreSQL one aggregate query extracts the terms with regexp_matches and counts distinct
items per window with FILTER; elsewhere the same counting runs in Python over the 30 days.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

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
    # greetings and thanks open half of all conversations: they are not a topic
    "hello", "hallo", "thanks", "thank", "danke", "bitte", "please", "team", "guys", "leute",
    "moin", "servus", "zusammen", "everyone", "folks",
    # common function words and verbs of both languages (the words of a topic are left)
    "habe", "hast", "hatte", "hätte", "kann", "kannst", "können", "könnt", "könnte", "muss",
    "müssen", "soll", "sollte", "wollte", "möchte", "würde", "werden", "wurde", "bin",
    "bist", "seid", "gibt", "geht", "ganz", "gerade", "gestern", "immer", "jetzt", "dann",
    "denn", "doch", "etwas", "euch", "eure", "euer", "eurem", "euren", "eurer", "ihnen",
    "ihre", "ihr", "ihrem", "ihren", "ihrer", "mein", "meine", "meinem", "meinen", "meiner",
    "dein", "deine", "unser", "unsere", "kein", "keine", "keinen", "einfach", "wieder",
    "warum", "wieso", "weil", "welche", "welcher", "welches", "wann", "schön", "sehr", "viel",
    "viele", "seit", "zwar", "alle", "allen", "alles", "diese", "dieser", "dieses", "diesem",
    "diesen", "dort", "durch", "gegen", "ohne", "unter", "vielleicht", "vom", "zum", "zur",
    "has", "had", "can", "must", "shall", "might",
    "are", "was", "is", "be", "being", "you", "yours", "our", "ours", "we", "she", "him",
    "her", "his", "its", "it's", "i'm", "get", "got", "again", "still", "really", "much",
    "many", "any", "all", "every", "after", "before", "because", "which", "where", "while",
    "who", "why", "how", "there's", "here's", "did", "done", "make", "made", "know", "want",
    "need", "ever", "since", "last", "next", "today", "yesterday", "tomorrow", "week", "month",
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


# Where trends are counted: listening results (public posts found by saved searches), the
# conversations with our accounts (comments, mentions, replies, quotes, messages), or both.
SOURCES = {
    "listening": (ItemKind.LISTENING,),
    "inbox": tuple(k for k in ItemKind.values if k != ItemKind.LISTENING),
    "all": tuple(ItemKind.values),
}
EXAMPLES = 2  # example posts per rising term
EXAMPLE_SCAN = 1000  # the newest items of the last 7 days the examples are picked from


def _counts_postgres(organization, now, account_ids, kinds) -> list[TermCount]:
    table = InboxItem._meta.db_table
    scope = "" if account_ids is None else "AND i.account_id = ANY(%s)"
    scope_params: list = [] if account_ids is None else [sorted(account_ids)]
    sql = f"""
        WITH terms AS (
            SELECT lower(m[1]) AS term, i.id, i.created_at
            FROM {table} i, regexp_matches(i.text, %s, 'g') AS m
            WHERE i.organization_id = %s AND i.kind = ANY(%s) AND i.deleted_at IS NULL
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
        cur.execute(sql, [TERM_PATTERN, organization.pk, list(kinds), w30,
                          *scope_params, w1, w2, w1, STOPWORDS, w1])
        return [TermCount(*row) for row in cur.fetchall()]


def _scoped(organization, account_ids):
    qs = InboxItem.objects.for_org(organization).visible()
    return qs if account_ids is None else qs.filter(account_id__in=account_ids)


def _counts_python(organization, now, account_ids, kinds) -> list[TermCount]:
    w1, w2 = now - dt.timedelta(days=7), now - dt.timedelta(days=14)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    rows = _scoped(organization, account_ids).filter(
        kind__in=kinds, created_at__gte=now - dt.timedelta(days=30)
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
    source: str = "listening"
    # {term: [InboxItem, …]}: recent posts that use each rising term
    examples: dict = field(default_factory=dict)


def listening_trends(organization, *, now: dt.datetime | None = None, limit: int = 15,
                     account_ids: frozenset[int] | None = None,
                     source: str = "listening") -> Trends:
    """`account_ids` limits the counting to a member's accounts (None: all); `source` is a
    key of SOURCES."""
    now = now or timezone.now()
    kinds = SOURCES.get(source, SOURCES["listening"])
    counts = (_counts_postgres if connection.vendor == "postgresql" else _counts_python)(
        organization, now, account_ids, kinds)
    # Our own handles are in every mention of us: they are not a trend.
    own = _own_names(organization)
    counts = [c for c in counts if c.term.lstrip("#") not in own]
    rising = sorted((c for c in counts if c.change > 0), key=lambda c: (-c.change, c.term))
    top = sorted(counts, key=lambda c: (-c.last30, c.term))
    items_30 = _scoped(organization, account_ids).filter(
        kind__in=kinds, created_at__gte=now - dt.timedelta(days=30)).count()
    rising_hashtags = [c for c in rising if c.is_hashtag][:limit]
    rising_terms = [c for c in rising if not c.is_hashtag][:limit]
    return Trends(
        rising_hashtags=rising_hashtags,
        rising_terms=rising_terms,
        top_hashtags_30=[c for c in top if c.is_hashtag][:limit],
        top_terms_30=[c for c in top if not c.is_hashtag][:limit],
        items_30=items_30,
        source=source if source in SOURCES else "listening",
        examples=_examples(organization, account_ids, kinds, now,
                           [c.term for c in rising_hashtags + rising_terms]),
    )


def _own_names(organization) -> set[str]:
    from accounts.models import ConnectedAccount

    names = set()
    for handle in ConnectedAccount.objects.for_org(organization).values_list("handle", flat=True):
        local = (handle or "").lstrip("@").split("@")[0].lower()
        names.update({local, local.split(".")[0]} if local else set())
    return names


def _examples(organization, account_ids, kinds, now, terms: list[str]) -> dict:
    """Up to EXAMPLES recent items per term, picked in one read of the newest items."""
    if not terms:
        return {}
    wanted = set(terms)
    found: dict[str, list] = {}
    items = (_scoped(organization, account_ids)
             .filter(kind__in=kinds, created_at__gte=now - dt.timedelta(days=7))
             .only("pk", "text", "author_handle", "author_name", "created_at", "kind")
             .order_by("-created_at")[:EXAMPLE_SCAN])
    for item in items:
        for term in {t.lower() for t in PY_TERM.findall(item.text)} & wanted:
            if len(found.setdefault(term, [])) < EXAMPLES:
                found[term].append(item)
    return found
