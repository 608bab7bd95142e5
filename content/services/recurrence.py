"""Recurring (evergreen) posts: a rule on a template post, materialised ahead of time.

Every occurrence is its own Post (a copy of the template's content and targets),
planned at the rule's date + wall-clock time in the rule's zone — never at "when the
job ran". Materialising is idempotent: (rule, occurrence_at) is unique, so a beat
task may run as often as it likes, twice at once, or late.
"""

from __future__ import annotations

import calendar as pycal
import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.services.errors import ServiceError
from content.models import Frequency, Post, RecurrenceOccurrence, RecurrenceRule
from content.services.access import require
from content.services.calendar import resolve_local
from content.workflows import PostState

log = logging.getLogger(__name__)
HORIZON = dt.timedelta(weeks=8)
MAX_OCCURRENCES = 500  # a safety net per materialising run, far above 8 weeks of daily posts


@dataclass(frozen=True)
class RuleSpec:
    frequency: str
    time: dt.time
    starts_on: dt.date
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    month_day: int | None = None
    until: dt.date | None = None
    count: int | None = None


def _validate(spec: RuleSpec) -> None:
    if spec.frequency not in Frequency.values:
        raise ServiceError(_("Choose how often the post repeats."), code="frequency")
    if spec.interval < 1 or spec.interval > 365:
        raise ServiceError(_("The interval must be between 1 and 365."), code="interval")
    if spec.frequency == Frequency.WEEKLY and (
            not spec.weekdays or any(d not in range(7) for d in spec.weekdays)):
        raise ServiceError(_("Choose at least one weekday."), code="weekdays")
    if spec.frequency == Frequency.MONTHLY and not (spec.month_day and 1 <= spec.month_day <= 31):
        raise ServiceError(_("Choose a day of the month (1–31)."), code="month_day")
    if spec.until and spec.until < spec.starts_on:
        raise ServiceError(_("The end date is before the first day."), code="until")
    if spec.count is not None and spec.count < 1:
        raise ServiceError(_("The number of posts must be at least 1."), code="count")


def occurrence_dates(rule) -> Iterator[dt.date]:
    """The rule's dates from its first day on (unbounded unless until/count end it)."""
    start, step = rule.starts_on, max(1, rule.interval)
    produced = 0

    def done(day):
        return (rule.until and day > rule.until) or (rule.count and produced >= rule.count)

    if rule.frequency == Frequency.DAILY:
        day = start
        while not done(day):
            yield day
            produced += 1
            day += dt.timedelta(days=step)
    elif rule.frequency == Frequency.WEEKLY:
        monday = start - dt.timedelta(days=start.weekday())
        days = sorted(set(rule.weekdays))
        while True:
            for wd in days:
                day = monday + dt.timedelta(days=wd)
                if day < start:
                    continue
                if done(day):
                    return
                yield day
                produced += 1
            monday += dt.timedelta(weeks=step)
    else:  # monthly; a day the month lacks (31 in April) becomes its last day
        year, month = start.year, start.month
        while True:
            last = pycal.monthrange(year, month)[1]
            day = dt.date(year, month, min(rule.month_day, last))
            if day >= start:
                if done(day):
                    return
                yield day
                produced += 1
            month += step
            year, month = year + (month - 1) // 12, (month - 1) % 12 + 1


def occurrence_times(rule, *, until: dt.datetime) -> list[tuple[dt.datetime, str]]:
    """(UTC instant, DST note) of each occurrence up to `until`."""
    out = []
    for day in occurrence_dates(rule):
        resolved = resolve_local(dt.datetime.combine(day, rule.time), rule.timezone,
                                 shift_gap=True)
        if resolved.at > until or len(out) >= MAX_OCCURRENCES:
            break
        out.append((resolved.at, resolved.note))
    return out


def recurrence_create(*, post: Post, actor, spec: RuleSpec, now=None) -> RecurrenceRule:
    organization = post.organization
    require(actor, organization, "post.edit")
    _validate(spec)
    if post.status in (PostState.CANCELLED, PostState.ARCHIVED):
        raise ServiceError(_("A cancelled post cannot repeat."), code="state")
    if RecurrenceRule.objects.filter(template=post).exists() or \
            RecurrenceOccurrence.objects.filter(post=post).exists():
        raise ServiceError(_("This post already belongs to a series."), code="exists")
    with transaction.atomic():
        rule = RecurrenceRule.objects.create(
            organization=organization, template=post, frequency=spec.frequency,
            interval=spec.interval, weekdays=sorted(set(spec.weekdays)),
            month_day=spec.month_day, time=spec.time, timezone=organization.timezone,
            starts_on=spec.starts_on, until=spec.until, count=spec.count, created_by=actor)
        audit_record(organization=organization, actor=actor, verb="content.recurrence.created",
                     target=post, details={"rule": rule.pk, "frequency": spec.frequency})
    recurrence_materialise(rule=rule, now=now)
    return rule


def recurrence_materialise(*, rule: RecurrenceRule, now=None) -> int:
    """Create the missing occurrences up to now + 8 weeks. Returns how many were created."""
    now = now or timezone.now()
    if not rule.active:
        return 0
    existing = set(rule.occurrences.values_list("occurrence_at", flat=True))
    created = 0
    for at, note in occurrence_times(rule, until=now + HORIZON):
        if at in existing:
            continue
        if _materialise_one(rule, at, note, now):
            created += 1
    return created


def _materialise_one(rule, at, note, now) -> bool:
    try:
        with transaction.atomic():
            occ = RecurrenceOccurrence.objects.create(rule=rule, occurrence_at=at, note=note)
    except IntegrityError:
        return False  # another run made it first
    if at <= now:
        occ.skipped, occ.note = True, _("Missed: its time passed before it could be planned.")
        occ.save(update_fields=["skipped", "note"])
        return True
    from content.services.posts import post_duplicate

    actor = rule.created_by
    try:
        with transaction.atomic():
            copy = post_duplicate(post=rule.template, actor=actor)
            occ.post = copy
            occ.save(update_fields=["post"])
    except ServiceError as exc:
        occ.note = exc.message[:300]
        occ.save(update_fields=["note"])
        return True
    _plan(occ, copy, actor, at)
    return True


def _plan(occ, copy, actor, at) -> None:
    """Schedule the copy; where approval is required, plan it and submit it instead."""
    from content.services.calendar import post_reschedule
    from content.services.workflow import post_schedule, post_submit

    try:
        with transaction.atomic():
            post_schedule(post=copy, actor=actor, scheduled_at=at)
        return
    except ServiceError as exc:
        needs_review = exc.code == "not_approved"
        if not needs_review:
            occ.note = exc.message[:300]
            occ.save(update_fields=["note"])
    try:
        with transaction.atomic():
            post_reschedule(post=copy, actor=actor, scheduled_at=at)
            if needs_review:
                post_submit(post=copy, actor=actor)
    except ServiceError as exc:
        occ.note = exc.message[:300]
        occ.save(update_fields=["note"])


def recurrence_occurrence_skip(*, occurrence: RecurrenceOccurrence, actor) -> None:
    """Skip one occurrence: its post is cancelled; the series goes on."""
    from content.services.workflow import post_cancel

    rule = occurrence.rule
    require(actor, rule.organization, "post.edit")
    with transaction.atomic():
        if occurrence.post_id and occurrence.post.status not in (PostState.CANCELLED,
                                                                  PostState.ARCHIVED):
            post_cancel(post=occurrence.post, actor=actor, reason="occurrence skipped")
        RecurrenceOccurrence.objects.filter(pk=occurrence.pk).update(skipped=True)
        audit_record(organization=rule.organization, actor=actor,
                     verb="content.recurrence.skipped", target=rule.template,
                     details={"at": occurrence.occurrence_at.isoformat()})


def recurrence_stop(*, rule: RecurrenceRule, actor) -> None:
    """End the series: no new occurrences; the planned ones stay (skip them one by one)."""
    require(actor, rule.organization, "post.edit")
    with transaction.atomic():
        RecurrenceRule.objects.filter(pk=rule.pk).update(active=False)
        audit_record(organization=rule.organization, actor=actor,
                     verb="content.recurrence.stopped", target=rule.template)


def recurrence_occurrence_detach(*, post: Post) -> bool:
    """`post` (an occurrence) was edited on its own, e.g. in the composer: later "all
    future" edits of its series leave it alone. Returns whether anything changed."""
    return bool(RecurrenceOccurrence.objects.filter(post=post, detached=False)
                .update(detached=True))


def recurrence_edit_text(*, rule: RecurrenceRule, actor, text: str, scope: str,
                         occurrence: RecurrenceOccurrence | None = None, now=None) -> int:
    """Change the text of "this one" (one occurrence, which then leaves series edits
    alone) or of "all future" (the template and every future occurrence not edited on
    its own). Goes through post_update, so approval rules apply. Returns posts changed."""
    from content.services.posts import post_update

    require(actor, rule.organization, "post.edit")
    if not text.strip():
        raise ServiceError(_("The post is empty: write a text or add media."), code="empty")
    now = now or timezone.now()
    if scope == "this":
        if occurrence is None or occurrence.post_id is None:
            raise ServiceError(_("Choose the occurrence to change."), code="occurrence")
        post_update(post=occurrence.post, actor=actor, data=_data_from(occurrence.post, text),
                    expected_version=occurrence.post.version)
        RecurrenceOccurrence.objects.filter(pk=occurrence.pk).update(detached=True)
        return 1
    posts = [rule.template] + [
        o.post for o in rule.occurrences.select_related("post").filter(
            occurrence_at__gt=now, detached=False, skipped=False, post__isnull=False)
        if o.post.status not in (PostState.CANCELLED, PostState.ARCHIVED)]
    with transaction.atomic():
        for post in posts:
            post_update(post=post, actor=actor, data=_data_from(post, text),
                        expected_version=post.version)
    return len(posts)


def _data_from(post: Post, text: str):
    """The post as the composer would submit it, with a new shared text."""
    from content.services.posts import PostData

    targets = list(post.targets.prefetch_related("attachments"))
    first = targets[0] if targets else None
    return PostData(
        text=text, account_ids=[t.account_id for t in targets],
        overrides={t.account_id: t.text for t in targets if t.text},
        media=[(m.asset_id, m.alt_text) for m in first.attachments.all()] if first else [],
        title=post.title, notes=post.notes, label_ids=list(post.labels.values_list("pk",
                                                                                  flat=True)),
        scheduled_at=post.scheduled_at, timezone=post.timezone, link_url=post.link_url)
