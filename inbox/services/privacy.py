"""GDPR: retention, and data-subject requests (export / erase everything about an author)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from inbox.models import InboxItem, InboxSettings
from inbox.services.counts import open_count_invalidate

EXPORT_FIELDS = ["remote_id", "kind", "author_handle", "author_name", "author_avatar_url",
                 "text", "url", "created_at", "edited_at", "deleted_at", "status", "labels",
                 "sentiment"]


def _author_items(organization, handle: str):
    handle = handle.strip()
    variants = {handle, handle.lstrip("@"), "@" + handle.lstrip("@")}
    return InboxItem.objects.for_org(organization).filter(author_handle__in=variants)


def inbox_author_export(*, organization, handle: str, actor) -> dict:
    """Everything stored about `handle` in this organisation, as JSON-ready data."""
    items = []
    for item in _author_items(organization, handle).select_related("account").prefetch_related(
        "notes", "replies"
    ).order_by("created_at", "id"):
        row = {f: getattr(item, f) for f in EXPORT_FIELDS}
        for key in ("created_at", "edited_at", "deleted_at"):
            row[key] = row[key].isoformat() if row[key] else None
        row["account"] = f"{item.account.provider}:{item.account.handle}"
        row["raw"] = item.raw
        row["internal_notes"] = [n.text for n in item.notes.all()]
        row["our_replies"] = [r.text for r in item.replies.all()]
        items.append(row)
    audit_record(organization=organization, actor=actor, verb="inbox.author.exported",
                 details={"handle": handle, "items": len(items)})
    return {"handle": handle, "organization": organization.slug,
            "exported_at": timezone.now().isoformat(), "items": items}


def inbox_author_erase(*, organization, handle: str, actor) -> int:
    """Delete every item by `handle` (with its notes and replies); returns how many items."""
    with transaction.atomic():
        qs = _author_items(organization, handle)
        count = qs.count()
        qs.delete()
        audit_record(organization=organization, actor=actor, verb="inbox.author.erased",
                     details={"handle": handle, "items": count})
    open_count_invalidate(organization.pk)
    return count


def inbox_purge_expired(*, now: dt.datetime | None = None) -> int:
    """Nightly: delete items older than each organisation's retention period."""
    now = now or timezone.now()
    total = 0
    for settings_ in InboxSettings.objects.filter(retention_months__isnull=False).select_related(
        "organization"
    ):
        cutoff = now - dt.timedelta(days=30 * settings_.retention_months)
        deleted, _ = InboxItem.objects.for_org(settings_.organization).filter(
            created_at__lt=cutoff).delete()
        if deleted:
            total += deleted
            audit_record(organization=settings_.organization, actor=None,
                         verb="inbox.items.purged",
                         details={"older_than": cutoff.isoformat(), "rows": deleted})
            open_count_invalidate(settings_.organization_id)
    return total
