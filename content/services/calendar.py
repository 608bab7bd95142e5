"""Calendar time maths (one helper for every view) and moving posts on the calendar.

The calendar works in wall-clock time of one named zone (the user's, else the
organisation's). The browser sends wall-clock strings without an offset plus the
zone; the server alone converts to UTC with zoneinfo. DST gaps and overlaps are
decided here, explicitly, never silently by a library default.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.roles import role_allows
from accounts.services.errors import ServiceError
from content.models import Post, PostTarget
from content.services.access import Forbidden, approval_valid, membership_of
from content.workflows import PostState, TargetState

UTC = dt.UTC
# Posts that are planned but not yet (being) published can move.
MOVABLE = {PostState.DRAFT, PostState.PENDING, PostState.CHANGES, PostState.APPROVED,
           PostState.SCHEDULED}


def display_zone(user, organization) -> str:
    """The zone the calendar shows: the user's own, else the organisation's."""
    return (getattr(user, "timezone", "") or organization.timezone or "UTC")


def zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ServiceError(_("“%(tz)s” is not a known time zone.") % {"tz": name},
                           code="bad_zone") from None


def parse_wall_clock(value: str) -> dt.datetime:
    """'2026-03-29T02:30', '2026-03-29 02:30[:00]', or a date → naive wall-clock datetime.

    An offset or 'Z' is dropped on purpose: FullCalendar runs in UTC mode and its
    'UTC' is our wall clock (see static/js/calendar.js).
    """
    text = (value or "").strip().replace(" ", "T")
    if not text:
        raise ServiceError(_("Choose a date and time."), code="no_time")
    if text.endswith("Z"):
        text = text[:-1]
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ServiceError(_("“%(value)s” is not a date and time.") % {"value": value},
                           code="bad_time") from None
    return parsed.replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class Resolved:
    at: dt.datetime  # aware, UTC
    note: str = ""  # set when a DST rule decided something the person should know


def _fmt(local: dt.datetime) -> str:
    return formats.date_format(local, "SHORT_DATETIME_FORMAT")


def resolve_local(local: dt.datetime, tz_name: str, *, shift_gap: bool = False) -> Resolved:
    """Wall-clock time in `tz_name` → UTC.

    A time that does not exist (clocks jump forward) is refused with a message, or
    with `shift_gap` moved forward by the gap (recurring series keep running). A time
    that exists twice (clocks go back) takes the first one and says so.
    """
    tz = zone(tz_name)
    naive = local.replace(tzinfo=None)
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        roundtrip = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        if roundtrip != naive:  # in the gap
            if not shift_gap:
                raise ServiceError(
                    _("%(time)s does not exist in %(zone)s: the clocks go forward that night. "
                      "Choose another time.") % {"time": _fmt(naive), "zone": tz_name},
                    code="nonexistent_time")
            at = first.astimezone(UTC)  # PEP 495: fold=0 in a gap = shifted forward by the gap
            shifted = at.astimezone(tz).replace(tzinfo=None)
            return Resolved(at, _("%(time)s does not exist in %(zone)s (clocks go forward); "
                                  "moved to %(shifted)s.") % {
                "time": _fmt(naive), "zone": tz_name, "shifted": _fmt(shifted)})
        return Resolved(first.astimezone(UTC), _(
            "%(time)s happens twice in %(zone)s (clocks go back); the first one is used.")
            % {"time": _fmt(naive), "zone": tz_name})
    return Resolved(first.astimezone(UTC))


def to_wall_clock(at: dt.datetime, tz_name: str) -> dt.datetime:
    """UTC (aware) → naive wall-clock time in the zone."""
    return at.astimezone(zone(tz_name)).replace(tzinfo=None)


def wall_clock_iso(at: dt.datetime, tz_name: str) -> str:
    return to_wall_clock(at, tz_name).isoformat(timespec="minutes")


def may_move(membership, post_status: str, approval_required: bool) -> bool:
    """Who may move what: drafts and posts in review with post.edit; posts already
    approved or scheduled need post.schedule where approval is required (else post.edit,
    because editors may then schedule themselves)."""
    if post_status not in MOVABLE or not role_allows(membership.role, "post.edit"):
        return False
    if post_status in (PostState.APPROVED, PostState.SCHEDULED) and approval_required:
        return role_allows(membership.role, "post.schedule")
    return True


def post_reschedule(*, post: Post, actor, scheduled_at: dt.datetime, now=None) -> Post:
    """Move the post's planned time (and its scheduled deliveries) to `scheduled_at`.

    Refused: times in the past, posts being published or (partly) out, posts whose
    approval no longer holds, and roles that may not move the post. Bumps the post's
    version so an open composer cannot silently put the old time back.
    """
    organization = post.organization
    membership = membership_of(actor, organization)
    now = now or timezone.now()
    if scheduled_at <= now:
        raise ServiceError(_("Posts cannot be moved into the past."), code="past")
    with transaction.atomic():
        locked = Post.objects.select_for_update().select_related("organization").get(pk=post.pk)
        organization = locked.organization  # fresh: the approval setting as it is now
        if not may_move(membership, locked.status, organization.approval_required):
            if locked.status not in MOVABLE:
                raise ServiceError(_("This post can no longer be moved."), code="state")
            raise Forbidden(_("Your role does not allow moving this post."))
        targets = list(PostTarget.objects.select_for_update().filter(post=locked))
        busy = {TargetState.PUBLISHING, TargetState.PUBLISHED, TargetState.UNCONFIRMED}
        if any(t.status in busy for t in targets):
            raise ServiceError(_("This post is being published or already went out; "
                                 "it cannot be moved."), code="busy")
        if locked.status == PostState.SCHEDULED and organization.approval_required \
                and not approval_valid(locked):
            raise ServiceError(_("This post needs approval again before it can be scheduled."),
                               code="not_approved")
        before = locked.scheduled_at
        Post.objects.filter(pk=locked.pk, status=locked.status).update(
            scheduled_at=scheduled_at, version=F("version") + 1, updated_at=now)
        if locked.status == PostState.SCHEDULED:
            PostTarget.objects.filter(post=locked, status=TargetState.SCHEDULED).update(
                next_attempt_at=scheduled_at, updated_at=now)
        audit_record(organization=organization, actor=actor, verb="content.post.rescheduled",
                     target=locked, details={
                         "from": before.isoformat() if before else None,
                         "to": scheduled_at.isoformat(), "status": locked.status})
    locked.refresh_from_db()
    return locked
