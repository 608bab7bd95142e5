"""Ingestion: the one path by which platform items enter the inbox (pollers, searches, webhooks)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property

from django.db import models, transaction
from django.db.models import Case, Q, Value, When
from django.db.models.base import ModelState
from django.utils import timezone

from inbox.models import InboxItem, ItemKind
from inbox.services.automation import active_rules, rules_evaluate
from inbox.services.counts import open_count_invalidate
from inbox.services.upsert import next_ids, stored_and_related, upsert_items
from inbox.signals import items_received
from lib.taskqueue import enqueue
from lib.weburl import http_url
from platforms.base import InboxEntry

log = logging.getLogger(__name__)

KINDS = frozenset(ItemKind.values)  # looked up once per entry: not rebuilt each time
# Fields a re-ingested item may change: the platform's content, never the team's work on it.
CONTENT_FIELDS = ["kind", "text", "author_name", "author_avatar_url", "url", "raw",
                  "parent_remote_id", "thread_root_remote_id"]


@dataclass
class IngestResult:
    created: list[int] = field(default_factory=list)  # ids of items new to the inbox
    updated: int = 0
    deleted: int = 0
    skipped: int = 0


def _aware(value) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise ValueError("created_at is not a datetime")
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)


def _item(account, entry: InboxEntry, kind: str | None) -> InboxItem:
    remote_id = str(entry.remote_id or "").strip()
    if not remote_id or len(remote_id) > 255:
        raise ValueError("remote_id missing or too long")
    kind = kind or entry.kind
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    handle = str(entry.author_handle or "").strip()[:255]
    if not handle:
        raise ValueError("author_handle missing")
    item = _new_item(
        organization_id=account.organization_id, account_id=account.pk, kind=kind,
        remote_id=remote_id, parent_remote_id=str(entry.parent_remote_id or "")[:255],
        thread_root_remote_id=str(entry.root_remote_id or "")[:255],
        author_handle=handle, author_name=str(entry.author_name or "")[:255],
        author_avatar_url=http_url(entry.author_avatar_url), text=str(entry.text or ""),
        url=http_url(entry.url), created_at=_aware(entry.created_at),
        edited_at=_aware(entry.edited_at) if entry.edited_at else None,
        raw=entry.raw if isinstance(entry.raw, dict) else {},
    )
    InboxItem.account.field.set_cached_value(item, account)  # rules read item.account
    return item


def _new_item(**values) -> InboxItem:
    """An unsaved item from attribute values, the rest at their defaults.

    Built as Model.from_db-style code does, by filling the instance's __dict__: even
    positional Model.__init__ (one setattr through a descriptor per field, 26 fields) was a
    fifth of ingestion's Python time. InboxItem has no pre/post_init receivers and no
    deferred fields, so the result is the same object __init__ would make."""
    item = InboxItem.__new__(InboxItem)
    item._state = ModelState()
    attrs = item.__dict__
    for attname, default in _defaults():
        attrs[attname] = values[attname] if attname in values else default()
    return item


@cache
def _defaults() -> tuple[tuple[str, Callable[[], object]], ...]:
    # Field.get_default, bound once: a fresh list or dict per item for the JSON fields.
    return tuple((f.attname, f.get_default) for f in InboxItem._meta.concrete_fields)


class IngestRun:
    """What one poll reads once for all its pages, instead of once per page: the
    organisation's automation rules, and in `memo` what the listeners of `items_received`
    look up once per run (the webhooks: whether anybody subscribed). A rule or endpoint
    added while a poll runs applies from its next run (a minute)."""

    def __init__(self, organization_id: int):
        self.organization_id = organization_id
        self.memo: dict = {}

    @cached_property
    def rules(self) -> list:
        return active_rules(self.organization_id)


def inbox_ingest_entries(account, entries: Iterable[InboxEntry], *,
                         kind: str | None = None, run: IngestRun | None = None) -> IngestResult:
    """Upsert platform entries for `account`, idempotently; safe to call again with the same page.

    Unique per (account, remote_id): a repeat updates the content (an edit), never the team's
    status, assignment or labels. Entries flagged `deleted` mark the stored item deleted.
    Malformed entries are logged and skipped. Automation rules run on newly created items only.
    `kind` overrides the entries' kind (listening results); `run`: shared by the pages of
    one poll (see IngestRun).
    """
    result = IngestResult()
    rows: dict[str, InboxItem] = {}
    deleted_ids: set[str] = set()
    for entry in entries:
        try:
            if getattr(entry, "deleted", False):
                deleted_ids.add(str(entry.remote_id))
                continue
            item = _item(account, entry, kind)
        except (AttributeError, TypeError, ValueError) as exc:
            result.skipped += 1
            log.warning("inbox: skipped a malformed entry for account %s: %s", account.pk, exc)
            continue
        rows[item.remote_id] = item  # a repeat within one page: the later one wins
    if not rows and not deleted_ids:
        return result
    with transaction.atomic():
        _commit_without_flush_wait()
        if rows:
            _upsert(account, rows, result, run or IngestRun(account.organization_id))
        if deleted_ids:
            result.deleted = InboxItem.objects.filter(
                account=account, remote_id__in=deleted_ids, deleted_at__isnull=True
            ).update(deleted_at=timezone.now())
    if result.created or result.deleted:  # edits of known items leave the counts as they are
        open_count_invalidate(account.organization_id)
    if result.created:
        # Sentiment is scored by a worker after the commit: the analyser costs about as much
        # per item as this whole upsert (bench/inbox.py), and nothing here waits for it.
        enqueue("inbox.score_sentiment", result.created)
    return result


def _commit_without_flush_wait() -> None:
    """Let this transaction's COMMIT return before its WAL is flushed to disk (PostgreSQL).

    Safe for ingestion: a crash can lose only the last fraction of a second of pages, never
    corrupt them, and commits stay in order — the poller's cursor is saved in a later,
    ordinary commit (which flushes everything before it), so a lost page is fetched again.
    """
    if transaction.get_connection().vendor == "postgresql":
        with transaction.get_connection().cursor() as cur:
            cur.execute("SET LOCAL synchronous_commit = off")


def _upsert(account, rows: dict[str, InboxItem], result: IngestResult,
            run: IngestRun) -> None:
    """A handful of statements a page, whatever its size: one lookup (stored items, known
    parents, stored children waiting for a parent on this page), the rules, one upsert (two
    when some entries carry edit times), an UPDATE by primary key only when children are to
    be linked to parents that arrived now, and the webhook check."""
    page_ids = list(rows)
    parent_ids = {i.parent_remote_id for i in rows.values() if i.parent_remote_id}
    stored: dict[str, tuple[str, int]] = {}
    orphans: list[tuple[int, str]] = []  # stored children whose parent is on this page
    for pk, remote_id, kind, parent_remote_id, parent_id in stored_and_related(
            account.pk, [*set(page_ids) | parent_ids], page_ids):
        if remote_id in rows or remote_id in parent_ids:
            stored[remote_id] = (kind, pk)
        if parent_id is None and parent_remote_id in rows and remote_id not in rows:
            orphans.append((pk, parent_remote_id))
    existing = set()
    for remote_id in page_ids:
        if remote_id not in stored:
            continue
        # A listening hit that is already in the inbox as a mention or reply stays that.
        stored_kind = stored[remote_id][0]
        if rows[remote_id].kind == ItemKind.LISTENING and stored_kind != ItemKind.LISTENING:
            del rows[remote_id]
        else:
            existing.add(remote_id)
    if not rows:
        return
    # Parents we already hold are set at insert time, so no UPDATE rewrites the new rows (and
    # their index entries) right after the INSERT.
    for item in rows.values():
        if item.parent_remote_id in stored and item.parent_remote_id != item.remote_id:
            item.parent_id = stored[item.parent_remote_id][1]
    new = [i for i in rows.values() if i.remote_id not in existing]
    planned = _plan_ids(rows, new, stored)
    if new and run.rules:  # rules act on new items only, in memory, before they are written
        rules_evaluate(run.rules, new)
    edited = [i for i in rows.values() if i.edited_at]
    plain = [i for i in rows.values() if not i.edited_at]
    # Two statements so a page without edit times never clears an edit time stored before.
    # On conflict only the platform's content changes, never the team's work (or a rule's).
    upsert_items(plain, update_fields=CONTENT_FIELDS)
    upsert_items(edited, update_fields=[*CONTENT_FIELDS, "edited_at"])
    if any(i.pk is None for i in rows.values()):  # a backend without RETURNING on upserts
        pks = dict(InboxItem.objects.filter(account=account, remote_id__in=list(rows))
                   .values_list("remote_id", "pk"))
        for item in rows.values():
            item.pk = pks[item.remote_id]
    result.updated = len(existing)
    # Planned keys that did not become the row's (another process stored the item first).
    moved = {planned[i.remote_id]: i.pk for i in rows.values()
             if i.remote_id in planned and planned[i.remote_id] != i.pk}
    _link_parents(rows, orphans, moved)
    if new:
        result.created = [i.pk for i in new]
        items_received.send(sender=InboxItem, organization_id=run.organization_id, items=new,
                            memo=run.memo)


def _plan_ids(rows: dict[str, InboxItem], new: list[InboxItem],
              stored: dict[str, tuple[str, int]]) -> dict[str, int]:
    """Primary keys for the page before its INSERT, when a new item answers another new
    item of the same page (a conversation in full swing): the reply is then written with
    its parent link at once, instead of being rewritten by an UPDATE right after (a second
    version of the row and of its eleven index entries). {remote_id: planned pk}, or {}
    when nothing needs it (or the database cannot hand out keys in advance)."""
    new_ids = {i.remote_id for i in new}
    if not any(i.parent_id is None and i.parent_remote_id in new_ids
               and i.parent_remote_id != i.remote_id for i in new):
        return {}
    fresh = next_ids(len(new))
    if fresh is None:
        return {}
    planned = {remote_id: stored[remote_id][1] for remote_id in rows if remote_id in stored}
    planned.update(zip((i.remote_id for i in new), fresh, strict=True))
    for item in rows.values():
        item.pk = planned[item.remote_id]
    for item in new:  # the upsert writes parent_id of new rows only; stored ones are linked
        parent = rows.get(item.parent_remote_id)
        if item.parent_id is None and parent is not None and parent is not item:
            item.parent_id = parent.pk
    return planned


def _link_parents(rows: dict[str, InboxItem], orphans: list[tuple[int, str]],
                  moved: dict[int, int]) -> None:
    """Children whose parent arrived with this page — stored before it, or on the page
    itself — get it in one UPDATE by primary key (none when there are none). `moved`:
    planned keys that are not the parent's after all ({planned: stored}), re-pointed."""
    links = {pk: rows[parent_remote_id].pk for pk, parent_remote_id in orphans
             if parent_remote_id in rows}
    for item in rows.values():
        parent = rows.get(item.parent_remote_id)
        if item.parent_id in moved:
            item.parent_id = links[item.pk] = moved[item.parent_id]
        elif item.parent_id is None and parent is not None and parent is not item:
            item.parent_id = links[item.pk] = parent.pk
    if links:
        unlinked = Q(parent__isnull=True) | Q(parent_id__in=list(moved)) if moved \
            else Q(parent__isnull=True)
        InboxItem.objects.filter(unlinked, pk__in=list(links)).update(
            parent_id=Case(*(When(pk=pk, then=Value(parent)) for pk, parent in links.items()),
                           output_field=models.BigIntegerField()))
