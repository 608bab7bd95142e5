"""Queue slots: weekly posting times per account, and "Add to queue".

Slots are wall-clock times in the organisation's zone; each week's instant is
computed with the calendar's one date helper, so 09:00 stays 09:00 across DST.
A slot is free when no scheduled post of that account is planned at that instant.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import ConnectedAccount
from accounts.services.errors import ServiceError
from content.models import Post, PostTarget, QueueSlot
from content.services.access import require
from content.services.calendar import resolve_local, to_wall_clock
from content.services.transitions import require_action
from content.workflows import Action, PostState

HORIZON_WEEKS = 12


@dataclass(frozen=True)
class SlotTime:
    account_id: int
    at: dt.datetime  # UTC
    local: dt.datetime  # wall clock in the organisation's zone
    taken_by: int | None  # post id


@dataclass(frozen=True)
class QueueResult:
    at: dt.datetime
    scheduled: bool  # False: the planned time was set, but the post still needs approval


def queue_slot_add(*, organization, actor, account: ConnectedAccount, weekday: int,
                   time: dt.time) -> QueueSlot:
    require(actor, organization, "post.schedule")
    if account.organization_id != organization.pk:
        raise ServiceError(_("Unknown account."), code="account")
    if weekday not in range(7):
        raise ServiceError(_("Choose a weekday."), code="weekday")
    try:
        with transaction.atomic():
            slot = QueueSlot.objects.create(organization=organization, account=account,
                                            weekday=weekday, time=time.replace(second=0,
                                                                               microsecond=0))
            audit_record(organization=organization, actor=actor, verb="content.queue.slot_added",
                         target=slot, details={"account": account.pk, "weekday": weekday,
                                               "time": time.strftime("%H:%M")})
    except IntegrityError:
        raise ServiceError(_("This account already has a slot at that time."),
                           code="duplicate") from None
    return slot


def queue_slot_delete(*, slot: QueueSlot, actor) -> None:
    require(actor, slot.organization, "post.schedule")
    with transaction.atomic():
        audit_record(organization=slot.organization, actor=actor,
                     verb="content.queue.slot_removed", target=slot,
                     details={"account": slot.account_id})
        slot.delete()


def slot_times(organization, account_ids: list[int], *, now: dt.datetime | None = None,
               weeks: int = HORIZON_WEEKS) -> list[SlotTime]:
    """Every slot instant of these accounts from now on, oldest first, marked taken/free."""
    now = now or timezone.now()
    tz_name = organization.timezone
    slots = list(QueueSlot.objects.for_org(organization).filter(account_id__in=account_ids))
    if not slots:
        return []
    today = to_wall_clock(now, tz_name).date()
    out = []
    for offset in range(weeks * 7 + 1):
        day = today + dt.timedelta(days=offset)
        for slot in slots:
            if slot.weekday != day.weekday():
                continue
            at = resolve_local(dt.datetime.combine(day, slot.time), tz_name, shift_gap=True).at
            if at > now:
                out.append((slot.account_id, at))
    taken = _taken(organization, account_ids, now, now + dt.timedelta(weeks=weeks, days=1))
    return [SlotTime(acc, at, to_wall_clock(at, tz_name), taken.get((acc, at)))
            for acc, at in sorted(out, key=lambda x: (x[1], x[0]))]


def _taken(organization, account_ids, start, end) -> dict[tuple[int, dt.datetime], int]:
    rows = PostTarget.objects.filter(
        post__organization=organization, account_id__in=account_ids,
        post__status=PostState.SCHEDULED, post__scheduled_at__gte=start,
        post__scheduled_at__lt=end).values_list("account_id", "post__scheduled_at", "post_id")
    return {(acc, at): post_id for acc, at, post_id in rows}


def next_free_slot(organization, account_ids: list[int], *, now=None,
                   exclude_post: int | None = None) -> dt.datetime | None:
    """The earliest slot of any of the accounts that is free for all of them."""
    now = now or timezone.now()
    times = slot_times(organization, account_ids, now=now)
    taken = _taken(organization, account_ids, now,
                   now + dt.timedelta(weeks=HORIZON_WEEKS, days=1))
    for candidate in sorted({s.at for s in times}):
        if all(taken.get((acc, candidate)) in (None, exclude_post) for acc in account_ids):
            return candidate
    return None


def post_add_to_queue(*, post: Post, actor, now=None) -> QueueResult:
    """Put the post into the next free slot of its accounts.

    Scheduled through the workflow service, so approval rules hold; where the post
    still needs approval its planned time is set instead and it stays in review.
    The accounts' rows are locked so two posts cannot take the same slot at once.
    """
    from content.services import workflow

    organization = post.organization
    require(actor, organization, "post.edit")
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        require_action(locked, Action.QUEUE)
        account_ids = list(PostTarget.objects.filter(post=post).values_list("account_id",
                                                                            flat=True))
        if not account_ids:
            raise ServiceError(_("Choose at least one account."), code="no_accounts")
        list(ConnectedAccount.objects.select_for_update().filter(pk__in=account_ids)
             .order_by("pk"))
        at = next_free_slot(organization, account_ids, now=now, exclude_post=post.pk)
        if at is None:
            raise ServiceError(_("No free time slot for these accounts in the next %(weeks)d "
                                 "weeks. Add slots on the queue page.")
                               % {"weeks": HORIZON_WEEKS}, code="no_slot")
        try:
            workflow.post_schedule(post=post, actor=actor, scheduled_at=at)
            scheduled = True
        except ServiceError as exc:
            if exc.code != "not_approved":
                raise
            from content.services.calendar import post_reschedule

            post_reschedule(post=post, actor=actor, scheduled_at=at, now=now)
            scheduled = False
        audit_record(organization=organization, actor=actor, verb="content.post.queued",
                     target=post, details={"at": at.isoformat(), "scheduled": scheduled})
    return QueueResult(at=at, scheduled=scheduled)
