"""Full-text search over inbox items: one expression, shared by the index and the query.

On PostgreSQL a GIN index over `to_tsvector('simple', text || author)` (migration 0002) answers
`websearch_to_tsquery` matches; the query must use the very same expression to hit it.
The 'simple' configuration does no stemming, so it works for every language the
platforms bring. Elsewhere (SQLite for local use) a case-insensitive substring match stands in.
"""

from django.db import connection
from django.db.models import Q, QuerySet

FTS_INDEX_NAME = "inbox_item_fts"


def item_search_vector():
    from django.contrib.postgres.search import SearchVector

    return SearchVector("text", "author_name", "author_handle", config="simple")


def apply_search(qs: QuerySet, query: str) -> QuerySet:
    query = query.strip()
    if not query:
        return qs
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        return qs.alias(_fts=item_search_vector()).filter(
            _fts=SearchQuery(query, config="simple", search_type="websearch")
        )
    return qs.filter(
        Q(text__icontains=query) | Q(author_handle__icontains=query)
        | Q(author_name__icontains=query)
    )
