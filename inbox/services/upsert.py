"""A page of inbox items as one upsert statement.

On PostgreSQL: INSERT … SELECT FROM unnest(one array per column) ON CONFLICT (account,
remote_id) DO UPDATE … RETURNING id. Django's bulk_create(update_conflicts=True) writes the
same statement, but prepares every value of every column through the field API (26 columns ×
100 items a page); measured, that preparation cost more than the database's work for the page.
Here each column's values go in as they are — the items were built from validated entries —
with only JSON wrapped. Columns come from the model, so a new field is picked up by itself.
Elsewhere (SQLite) bulk_create does the job.
"""

from __future__ import annotations

from functools import lru_cache

from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

from inbox.models import InboxItem

BATCH = 1000


def _columns(with_id: bool) -> list[models.Field]:
    return [f for f in InboxItem._meta.concrete_fields if with_id or not f.primary_key]


@lru_cache(maxsize=8)
def _sql(fields: tuple[models.Field, ...], update_fields: tuple[str, ...]) -> str:
    table = connection.ops.quote_name(InboxItem._meta.db_table)
    q = connection.ops.quote_name
    cols = ", ".join(q(f.column) for f in fields)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    unique = ", ".join(q(InboxItem._meta.get_field(n).column) for n in ("account", "remote_id"))
    updates = ", ".join(f"{q(c)} = EXCLUDED.{q(c)}"
                        for c in (InboxItem._meta.get_field(n).column for n in update_fields))
    # Identifiers from the model's metadata, quoted; the values go in as parameters.
    return (f"INSERT INTO {table} ({cols}) SELECT * FROM unnest({arrays}) "  # noqa: S608
            f"ON CONFLICT ({unique}) DO UPDATE SET {updates} RETURNING {q('id')}")


def _binding_cursor():
    """A server-side-binding cursor on Django's own connection (same transaction), wrapped
    like Django's own cursors (query log, execute wrappers).

    Django's client-side cursor quotes every array element into the SQL text, and PostgreSQL
    parses that text again for every page; here the arrays travel as parameters. With
    `prepare_threshold` in the database OPTIONS (off by default, for connection poolers),
    psycopg also prepares these statements once per connection."""
    import psycopg

    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


def stored_and_related(account_id: int, remote_ids: list[str], page_ids: list[str]):
    """(pk, remote_id, kind, parent_remote_id, parent_id) of the account's stored items that
    are on the page or are parents it names (`remote_ids`), and of stored children still
    waiting for a parent on the page (`page_ids`). One statement either way."""
    if connection.vendor != "postgresql":
        return list(InboxItem.objects.filter(
            Q(remote_id__in=remote_ids) | Q(parent__isnull=True, parent_remote_id__in=page_ids),
            account_id=account_id,
        ).values_list("pk", "remote_id", "kind", "parent_remote_id", "parent_id"))
    with _binding_cursor() as cur:
        cur.execute(_LOOKUP_SQL, [account_id, remote_ids, page_ids])
        return cur.fetchall()


# The unique (account, remote_id) and the (account, parent_remote_id) indexes, OR-ed.
_LOOKUP_SQL = (
    f"SELECT id, remote_id, kind, parent_remote_id, parent_id FROM {InboxItem._meta.db_table} "  # noqa: S608
    "WHERE account_id = %s AND (remote_id = ANY(%s::varchar[]) "
    "OR (parent_id IS NULL AND parent_remote_id = ANY(%s::varchar[])))")


def next_ids(n: int) -> list[int] | None:
    """`n` fresh primary keys from the table's sequence (PostgreSQL; None elsewhere)."""
    if connection.vendor != "postgresql":
        return None
    with _binding_cursor() as cur:
        cur.execute(_NEXT_IDS_SQL, [n])
        return [row[0] for row in cur.fetchall()]


_NEXT_IDS_SQL = (f"SELECT nextval(pg_get_serial_sequence('{InboxItem._meta.db_table}', 'id')) "  # noqa: S608
                 "FROM generate_series(1, %s)")


def upsert_items(items: list[InboxItem], *, update_fields: list[str]) -> None:
    """Insert `items`, or update `update_fields` of those stored already (same account and
    remote id); sets each item's pk. Items must be unique per (account, remote_id). Items
    may come with planned primary keys (all or none, see `next_ids`); the pk set afterwards
    is the stored row's, which differs from the planned one if another process inserted the
    same item meanwhile."""
    if not items:
        return
    if connection.vendor != "postgresql":
        InboxItem.objects.bulk_create(items, batch_size=BATCH, update_conflicts=True,
                                      unique_fields=["account", "remote_id"],
                                      update_fields=update_fields)
        return
    from psycopg.types.json import Jsonb

    now = timezone.now()
    # Either every item comes with its primary key (planned by the caller) or none does.
    fields = _columns(with_id=items[0].pk is not None)
    arrays = []
    for f in fields:
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
            for i in items:
                setattr(i, f.attname, now)
            arrays.append([now] * len(items))
        elif isinstance(f, models.JSONField):
            arrays.append([Jsonb(getattr(i, f.attname)) for i in items])
        else:
            arrays.append([getattr(i, f.attname) for i in items])
    sql = _sql(tuple(fields), tuple(update_fields))
    with _binding_cursor() as cur:
        for start in range(0, len(items), BATCH):
            chunk = slice(start, start + BATCH)
            cur.execute(sql, [a[chunk] for a in arrays])
            # Rows come back in the order of the arrays (as bulk_create relies on, too).
            for item, (pk,) in zip(items[chunk], cur.fetchall(), strict=True):
                item.pk = pk
                item._state.adding = False
