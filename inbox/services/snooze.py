"""Snooze: an open conversation leaves the open list until a chosen time, then comes back.

The lists compare `snoozed_until` with the clock (InboxItemQuerySet.awake), so an item is
back on time even when no worker runs; the beat task `inbox.wake_snoozed` then clears the
field and tells the person who snoozed it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit_record
from accounts.services.errors import ServiceError
from content.models import Notification
from inbox.models import InboxItem, ItemStatus
from inbox.services.counts import open_count_invalidate

MAX_SNOOZE = dt.timedelta(days=366)
MIN_SNOOZE = dt.timedelta(minutes=1)
MAX_ITEMS = 500
MORNING = dt.time(9, 0)


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    until: dt.datetime


PRESET_LABELS = {
    "1h": gettext_lazy("In 1 hour"),
    "3h": gettext_lazy("In 3 hours"),
    "tomorrow": gettext_lazy("Tomorrow morning"),
    "monday": gettext_lazy("Next Monday morning"),
    "week": gettext_lazy("In a week"),
}


def snooze_presets(now: dt.datetime, tz: ZoneInfo) -> list[Preset]:
    """The usual choices, in the person's time zone: 9:00 is their morning."""
    local = now.astimezone(tz)
    tomorrow = dt.datetime.combine(local.date() + dt.timedelta(days=1), MORNING, tz)
    monday = dt.datetime.combine(local.date() + dt.timedelta(days=7 - local.weekday()),
                                 MORNING, tz)
    times = {"1h": now + dt.timedelta(hours=1), "3h": now + dt.timedelta(hours=3),
             "tomorrow": tomorrow, "monday": monday, "week": now + dt.timedelta(days=7)}
    return [Preset(key, str(PRESET_LABELS[key]), times[key]) for key in PRESET_LABELS]


def snooze_until_from(*, preset: str = "", until: dt.datetime | None = None,
                      now: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The time a choice means: a preset key or a time the person picked (local to `tz`
    when it has no zone). Refused with a reason when it is not between now and a year."""
    if preset:
        found = {p.key: p.until for p in snooze_presets(now, tz)}.get(preset)
        if found is None:
            raise ServiceError(_("Choose when the conversation should come back."))
        return found
    if until is None:
        raise ServiceError(_("Choose when the conversation should come back."))
    if timezone.is_naive(until):
        until = until.replace(tzinfo=tz)
    if until < now + MIN_SNOOZE:
        raise ServiceError(_("Choose a time in the future."))
    if until > now + MAX_SNOOZE:
        raise ServiceError(_("A conversation can be snoozed for at most a year."))
    return until


def inbox_items_snooze(*, organization, item_ids: list[int], until: dt.datetime, actor,
                       account_ids: frozenset[int] | None = None) -> list[int]:
    """Snooze open items until `until`; returns the ids that changed (for undo)."""
    if len(item_ids) > MAX_ITEMS:
        raise ServiceError(_("Select at most %(n)s items at once.") % {"n": MAX_ITEMS})
    if until <= timezone.now():
        raise ServiceError(_("Choose a time in the future."))
    qs = InboxItem.objects.for_org(organization).filter(pk__in=item_ids,
                                                        status=ItemStatus.OPEN)
    if account_ids is not None:
        qs = qs.filter(account_id__in=account_ids)
    with transaction.atomic():
        changed = list(qs.select_for_update().values_list("pk", flat=True))
        if not changed:
            raise ServiceError(_("Only open conversations can be snoozed."))
        InboxItem.objects.filter(pk__in=changed).update(snoozed_until=until, snoozed_by=actor)
        target = InboxItem.objects.get(pk=changed[0]) if len(changed) == 1 else None
        audit_record(organization=organization, actor=actor, verb="inbox.item.snoozed",
                     target=target, details={"items": changed, "until": until.isoformat()})
    open_count_invalidate(organization.pk)
    return changed


def inbox_items_unsnooze(*, organization, item_ids: list[int], actor,
                         account_ids: frozenset[int] | None = None) -> list[int]:
    """Bring snoozed items back now (the undo of a snooze, or 'Unsnooze')."""
    qs = InboxItem.objects.for_org(organization).filter(pk__in=item_ids[:MAX_ITEMS],
                                                        snoozed_until__isnull=False)
    if account_ids is not None:
        qs = qs.filter(account_id__in=account_ids)
    with transaction.atomic():
        changed = list(qs.select_for_update().values_list("pk", flat=True))
        if not changed:
            return []
        InboxItem.objects.filter(pk__in=changed).update(snoozed_until=None, snoozed_by=None)
        target = InboxItem.objects.get(pk=changed[0]) if len(changed) == 1 else None
        audit_record(organization=organization, actor=actor, verb="inbox.item.unsnoozed",
                     target=target, details={"items": changed})
    open_count_invalidate(organization.pk)
    return changed


def snooze_ended_message(item: InboxItem) -> str:
    return _("The conversation with %(author)s is back in the inbox (snoozed until "
             "%(until)s).") % {"author": item.author_name or item.author_handle,
                               "until": formats.date_format(
                                   timezone.localtime(item.snoozed_until),
                                   "SHORT_DATETIME_FORMAT")}


def inbox_wake_snoozed(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Clear the snoozes that have ended and tell whoever snoozed each item, in their
    language. Done items are cleared without a notice (someone handled them meanwhile)."""
    now = now or timezone.now()
    with transaction.atomic():
        items = list(InboxItem.objects.filter(snoozed_until__lte=now)
                     .select_for_update(skip_locked=True, of=("self",))
                     .select_related("snoozed_by", "organization")[:limit])
        if not items:
            return 0
        notices = []
        for item in items:
            person = item.snoozed_by
            if person is None or item.status != ItemStatus.OPEN:
                continue
            with translation.override(person.language or settings.LANGUAGE_CODE), \
                    timezone.override(person.timezone or item.organization.timezone):
                message = snooze_ended_message(item)
            notices.append(Notification(user=person, organization_id=item.organization_id,
                                        verb="inbox.item.snooze_ended", message=message[:300],
                                        actor_label="socialmgr"))
        Notification.objects.bulk_create(notices)
        InboxItem.objects.filter(pk__in=[i.pk for i in items]).update(snoozed_until=None,
                                                                      snoozed_by=None)
    for organization_id in {i.organization_id for i in items}:
        open_count_invalidate(organization_id)
    return len(items)
