"""The team's work on items: assign, mark done / reopen (one or many, with undo), notes, labels."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import Membership
from accounts.services.errors import ServiceError
from inbox.models import InboxItem, InboxNote, ItemStatus
from inbox.services.counts import open_count_invalidate

MAX_BULK = 500


def inbox_item_assign(*, item: InboxItem, assignee, actor) -> InboxItem:
    """Assign to a member of the item's organisation, or unassign with `assignee=None`."""
    if assignee is not None and not Membership.objects.filter(
        organization_id=item.organization_id, user=assignee
    ).exists():
        raise ServiceError(_("Only members of this organisation can be assigned."))
    with transaction.atomic():
        InboxItem.objects.filter(pk=item.pk).update(assignee=assignee)
        item.assignee = assignee
        audit_record(organization=item.organization, actor=actor, verb="inbox.item.assigned",
                     target=item, details={"assignee": getattr(assignee, "email", None)})
    return item


def inbox_items_set_status(*, organization, item_ids: list[int], status: str,
                           actor, account_ids: frozenset[int] | None = None) -> list[int]:
    """Mark items done or open again; returns the ids that changed (for undo).

    Only items of `organization` in the other state change, so an undo (the same call with
    the opposite status and the returned ids) restores exactly what this call changed.
    `account_ids` limits the change to items of the accounts a member may use.
    """
    if status not in ItemStatus.values:
        raise ServiceError(_("Unknown status."))
    if len(item_ids) > MAX_BULK:
        raise ServiceError(_("Select at most %(n)s items at once.") % {"n": MAX_BULK})
    qs = InboxItem.objects.for_org(organization).filter(pk__in=item_ids).exclude(status=status)
    if account_ids is not None:
        qs = qs.filter(account_id__in=account_ids)
    with transaction.atomic():
        changed = list(qs.select_for_update().values_list("pk", flat=True))
        if not changed:
            return []
        InboxItem.objects.filter(pk__in=changed).update(
            status=status, done_at=timezone.now() if status == ItemStatus.DONE else None)
        verb = "inbox.item.done" if status == ItemStatus.DONE else "inbox.item.reopened"
        audit_record(organization=organization, actor=actor, verb=verb,
                     details={"items": changed})
    open_count_invalidate(organization.pk)
    return changed


def inbox_items_assign(*, organization, item_ids: list[int], assignee, actor,
                       account_ids: frozenset[int] | None = None) -> list[int]:
    """Assign many items to one member (or unassign with None); returns the ids that changed."""
    if len(item_ids) > MAX_BULK:
        raise ServiceError(_("Select at most %(n)s items at once.") % {"n": MAX_BULK})
    if assignee is not None and not Membership.objects.filter(
        organization=organization, user=assignee
    ).exists():
        raise ServiceError(_("Only members of this organisation can be assigned."))
    qs = InboxItem.objects.for_org(organization).filter(pk__in=item_ids)
    if account_ids is not None:
        qs = qs.filter(account_id__in=account_ids)
    qs = qs.exclude(assignee=assignee) if assignee is not None else qs.exclude(
        assignee__isnull=True)
    with transaction.atomic():
        changed = list(qs.select_for_update().values_list("pk", flat=True))
        if not changed:
            return []
        InboxItem.objects.filter(pk__in=changed).update(assignee=assignee)
        audit_record(organization=organization, actor=actor, verb="inbox.item.assigned",
                     details={"items": changed, "assignee": getattr(assignee, "email", None)})
    return changed


def inbox_items_add_label(*, organization, item_ids: list[int], label: str, actor,
                          account_ids: frozenset[int] | None = None) -> list[int]:
    """Add one label to many items (those that lack it); returns the ids that changed."""
    label = label.strip()[:50]
    if not label:
        raise ServiceError(_("Enter a label."))
    if len(item_ids) > MAX_BULK:
        raise ServiceError(_("Select at most %(n)s items at once.") % {"n": MAX_BULK})
    qs = InboxItem.objects.for_org(organization).filter(pk__in=item_ids)
    if account_ids is not None:
        qs = qs.filter(account_id__in=account_ids)
    with transaction.atomic():
        items = [i for i in qs.select_for_update().only("pk", "labels") if label not in i.labels]
        for item in items:
            item.labels = sorted({*item.labels, label})
        InboxItem.objects.bulk_update(items, ["labels"], batch_size=MAX_BULK)
        changed = [i.pk for i in items]
        if changed:
            audit_record(organization=organization, actor=actor, verb="inbox.item.updated",
                         details={"items": changed, "label": label})
    return changed


def inbox_item_set_status(*, item: InboxItem, status: str, actor) -> bool:
    changed = inbox_items_set_status(organization=item.organization, item_ids=[item.pk],
                                     status=status, actor=actor)
    item.status = status
    return bool(changed)


def inbox_note_add(*, item: InboxItem, author, text: str) -> InboxNote:
    text = text.strip()
    if not text:
        raise ServiceError(_("A note cannot be empty."))
    with transaction.atomic():
        note = InboxNote.objects.create(item=item, author=author, text=text)
        audit_record(organization=item.organization, actor=author,
                     verb="inbox.item.note_added", target=item)
    return note


def inbox_item_set_flags(*, item: InboxItem, actor, labels: list[str] | None = None,
                         urgent: bool | None = None) -> InboxItem:
    changes: dict = {}
    if labels is not None:
        changes["labels"] = sorted({label.strip()[:50] for label in labels if label.strip()})
    if urgent is not None:
        changes["urgent"] = urgent
    if not changes:
        return item
    with transaction.atomic():
        InboxItem.objects.filter(pk=item.pk).update(**changes)
        for name, value in changes.items():
            setattr(item, name, value)
        audit_record(organization=item.organization, actor=actor, verb="inbox.item.updated",
                     target=item, details=changes)
    return item
