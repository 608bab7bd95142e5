"""Pausing an account's deliveries while it needs reconnecting, and resuming them after.

The accounts services send `account_needs_reconnect` when a platform stops accepting an
account's tokens (whoever noticed: publishing, the inbox poller, metrics): its scheduled
deliveries pause at once, so the post page says they wait, and the organisation's admins
are notified. Resuming is driven twice: by the `account_became_usable` signal sent after a
reconnect, and by a periodic sweep (`pipeline.resume_paused`) in case a signal was missed
(a crash between commit and send). A resumed delivery keeps its planned time (one that is
past goes out at once); one of a post that is no longer scheduled stays paused until the
post is rescheduled.

A delivery does not wait forever: once its planned time is more than
`PUBLISH_RECONNECT_WAIT_HOURS` ago it fails with the reason, rather than going out days
late when someone finally reconnects.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.models import AccountStatus
from accounts.services.connected_accounts import account_became_usable, account_needs_reconnect
from accounts.services.errors import Conflict
from content.models import PostTarget
from content.models.posts import RECONNECT_WAIT_CODE
from content.services.transitions import target_transition
from content.workflows import PostState, TargetState

log = logging.getLogger(__name__)

WAITING_CODE = RECONNECT_WAIT_CODE


def reconnect_wait() -> dt.timedelta:
    return dt.timedelta(hours=settings.PUBLISH_RECONNECT_WAIT_HOURS)


def pause_account_targets(*, account) -> int:
    """Scheduled targets of an account that needs reconnecting wait (never lost)."""
    paused = 0
    with transaction.atomic():
        for target in (PostTarget.objects.select_for_update(skip_locked=True)
                       .select_related("post__organization")
                       .filter(account=account, status=TargetState.SCHEDULED)):
            target_transition(target, TargetState.PAUSED, reason="account needs reconnect",
                              last_error_code=WAITING_CODE,
                              last_error=_waiting_message(target, account), next_attempt_at=None)
            paused += 1
    return paused


def _waiting_message(target: PostTarget, account) -> str:
    organization = target.post.organization
    with translation.override(organization.language):
        message = _("The account %(account)s needs reconnecting. The post goes out once it "
                    "is reconnected.") % {"account": account.handle}
        if account.last_error:
            message += " " + _("The platform said: %(reason)s") % {"reason": account.last_error}
    return message


def resume_account_targets(*, account) -> int:
    """Paused targets of a usable account whose post is still scheduled → scheduled again,
    at their planned time (now when it has passed)."""
    resumed, now = 0, timezone.now()
    with transaction.atomic():
        targets = (PostTarget.objects.select_for_update(skip_locked=True)
                   .select_related("post__organization")
                   .filter(account=account, status=TargetState.PAUSED,
                           post__status=PostState.SCHEDULED))
        for target in targets:
            planned = target.post.scheduled_at
            try:
                target_transition(target, TargetState.SCHEDULED, reason="account reconnected",
                                  next_attempt_at=max(planned, now) if planned else now,
                                  last_error="", last_error_code="")
            except Conflict:
                continue
            resumed += 1
    return resumed


def expire_waiting_targets(*, now: dt.datetime | None = None) -> int:
    """Paused-for-a-reconnect targets whose deadline has passed fail, with the reason."""
    from content.pipeline.notify import notify_target_problem

    now = now or timezone.now()
    expired = 0
    candidates = (PostTarget.objects.select_related("post__organization", "account")
                  .filter(status=TargetState.PAUSED, last_error_code=WAITING_CODE,
                          post__scheduled_at__lt=now - reconnect_wait()))
    for target in candidates:
        reason = _expired_message(target)
        with transaction.atomic():
            try:
                target_transition(target, TargetState.FAILED, reason="reconnect deadline passed",
                                  last_error_code="reconnect_deadline", last_error=reason,
                                  next_attempt_at=None)
            except Conflict:  # reconnected (resumed) or cancelled in the meantime
                continue
            notify_target_problem(target=target, state=TargetState.FAILED, reason=reason)
        expired += 1
    return expired


def _expired_message(target: PostTarget) -> str:
    account, organization = target.account, target.post.organization
    since = account.needs_reconnect_since or target.updated_at
    with translation.override(organization.language), timezone.override(organization.timezone):
        return _("This post was not published to %(account)s because the account needs "
                 "reconnecting since %(since)s, and %(hours)s hours after its planned time "
                 "it is too late to publish it.") % {
            "account": account.handle,
            "since": formats.date_format(timezone.localtime(since), "SHORT_DATETIME_FORMAT"),
            "hours": int(reconnect_wait().total_seconds() // 3600)}


def resume_paused() -> int:
    """The periodic sweep: give up on deliveries past their deadline, then resume every
    paused target whose account is usable again."""
    from accounts.models import ConnectedAccount

    expire_waiting_targets()
    accounts = ConnectedAccount.objects.filter(
        disconnected_at__isnull=True, status=AccountStatus.ACTIVE,
        post_targets__status=TargetState.PAUSED).distinct()
    return sum(resume_account_targets(account=account) for account in accounts)


@receiver(account_became_usable, dispatch_uid="pipeline_resume_on_reconnect")
def _on_account_usable(sender, account, **kwargs) -> None:
    expire_waiting_targets()  # what is too late now must not go out because of the reconnect
    count = resume_account_targets(account=account)
    if count:
        log.info("resumed %d paused targets of account %s", count, account.pk)


@receiver(account_needs_reconnect, dispatch_uid="pipeline_pause_on_needs_reconnect")
def _on_account_needs_reconnect(sender, account, **kwargs) -> None:
    from content.pipeline.notify import notify_needs_reconnect

    account.refresh_from_db()
    notify_needs_reconnect(account=account)
    count = pause_account_targets(account=account)
    if count:
        log.info("paused %d scheduled targets of account %s", count, account.pk)
