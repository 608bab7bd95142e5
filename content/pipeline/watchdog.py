"""The scheduler watches itself: is the dispatcher running, are workers consuming, is
anything overdue? Reported on the operations page, by /healthz (503) and by one email to
the admins per incident (not every minute).

The dispatcher's heartbeat is written by the worker that runs the beat-scheduled
dispatch, so a fresh one proves both beat and a worker are alive. The check itself runs
from the web process (/healthz, which monitors poll) as well as from beat, because a
dead beat or a dead worker cannot report its own death.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from content.models import PostTarget
from content.workflows import TargetState
from ops.models import Heartbeat
from ops.services import WORKER_STALE_AFTER

log = logging.getLogger(__name__)

DISPATCHER_STALE_AFTER = dt.timedelta(seconds=60)
OVERDUE_AFTER = dt.timedelta(minutes=2)


@dataclass(frozen=True)
class Problem:
    code: str  # dispatcher_stale | no_worker | overdue
    message: str


def overdue_targets(now: dt.datetime | None = None):
    """Due for more than two minutes and not published: nobody is picking them up."""
    now = now or timezone.now()
    limit = now - OVERDUE_AFTER
    return PostTarget.objects.filter(
        status=TargetState.SCHEDULED, next_attempt_at__lt=limit
    ) | PostTarget.objects.filter(status=TargetState.PUBLISHING, lease_expires_at__lt=limit)


def scheduler_problems(now: dt.datetime | None = None) -> list[Problem]:
    now = now or timezone.now()
    problems: list[Problem] = []
    overdue = overdue_targets(now).count()
    dispatcher = Heartbeat.objects.filter(kind="dispatcher").order_by("-last_seen").first()
    if dispatcher is not None and now - dispatcher.last_seen > DISPATCHER_STALE_AFTER:
        seconds = int((now - dispatcher.last_seen).total_seconds())
        problems.append(Problem("dispatcher_stale", _(
            "The publishing scheduler last ran %(seconds)s seconds ago: Celery beat or every "
            "worker is down.") % {"seconds": seconds}))
    elif dispatcher is None and overdue:
        problems.append(Problem("dispatcher_stale", _(
            "The publishing scheduler has never run: start Celery beat and a worker.")))
    workers = Heartbeat.objects.filter(kind="worker")
    if (workers.exists() or overdue) and not workers.filter(
            last_seen__gte=now - WORKER_STALE_AFTER).exists():
        problems.append(Problem("no_worker", _("No worker is consuming tasks.")))
    if overdue:
        problems.append(Problem("overdue", _(
            "%(count)s deliveries are more than 2 minutes overdue.") % {"count": overdue}))
    return problems


def scheduler_check(now: dt.datetime | None = None) -> list[Problem]:
    """Evaluate, and email the admins once when a new incident starts."""
    problems = scheduler_problems(now)
    codes = sorted({p.code for p in problems})
    with transaction.atomic():
        state, _created = Heartbeat.objects.get_or_create(
            kind="watchdog", name="incident",
            defaults={"last_seen": timezone.now(), "details": {"codes": []}})
        state = Heartbeat.objects.select_for_update().get(pk=state.pk)
        known = set(state.details.get("codes", []))
        new = set(codes) - known
        if codes != sorted(known) or new:
            state.details = {"codes": codes, "since": state.details.get("since")
                             if known and codes else timezone.now().isoformat()}
            state.last_seen = timezone.now()
            state.save(update_fields=["details", "last_seen"])
        if new:
            transaction.on_commit(lambda: _email_admins(problems))
    return problems


def admin_emails() -> list[str]:
    if getattr(settings, "ADMINS", None):
        # Django 6: plain addresses; the older (name, address) pairs still work.
        return [a[1] if isinstance(a, list | tuple) else a for a in settings.ADMINS]
    from accounts.models import Membership
    from accounts.roles import PERMISSIONS, RANK, Role

    least = RANK[PERMISSIONS["ops.view"]]
    roles = [role for role in Role if RANK[role] >= least]
    return sorted(set(Membership.objects.filter(role__in=roles, user__is_active=True)
                      .values_list("user__email", flat=True)))


def _email_admins(problems: list[Problem]) -> None:
    body = "\n".join(f"- {p.message}" for p in problems)
    body += "\n\n" + _("Posts are not being published until this is fixed. %(url)s/healthz "
                       "shows the current state.") % {"url": settings.SITE_URL}
    for email in admin_emails():
        try:
            send_mail(subject=_("[socialmgr] Publishing is stalled"), message=body,
                      from_email=None, recipient_list=[email])
        except Exception:
            log.exception("could not email %s about the stalled scheduler", email)
    log.error("publishing watchdog: %s", "; ".join(p.code for p in problems))
