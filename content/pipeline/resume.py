"""Pausing an account's deliveries while it needs reconnecting, and resuming them after.

Resuming is driven twice: by the `account_became_usable` signal the accounts services
send after a reconnect, and by a periodic sweep (`pipeline.resume_paused`) in case a
signal was missed (a crash between commit and send). Paused targets of a post that is
still scheduled go out at once; others stay paused until the post is rescheduled.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from accounts.models import AccountStatus
from accounts.services.connected_accounts import account_became_usable
from accounts.services.errors import Conflict
from content.models import PostTarget
from content.services.transitions import target_transition
from content.workflows import PostState, TargetState

log = logging.getLogger(__name__)


def pause_account_targets(*, account) -> int:
    """Scheduled targets of an account that needs reconnecting wait (never lost)."""
    paused = 0
    with transaction.atomic():
        for target in (PostTarget.objects.select_for_update(skip_locked=True)
                       .select_related("post__organization")
                       .filter(account=account, status=TargetState.SCHEDULED)):
            target_transition(target, TargetState.PAUSED, reason="account needs reconnect",
                              last_error_code="account_needs_reconnect",
                              last_error=account.last_error or "", next_attempt_at=None)
            paused += 1
    return paused


def resume_account_targets(*, account) -> int:
    """Paused targets of a usable account whose post is still scheduled → due now."""
    resumed, now = 0, timezone.now()
    with transaction.atomic():
        targets = (PostTarget.objects.select_for_update(skip_locked=True)
                   .select_related("post__organization")
                   .filter(account=account, status=TargetState.PAUSED,
                           post__status=PostState.SCHEDULED))
        for target in targets:
            try:
                target_transition(target, TargetState.SCHEDULED, reason="account reconnected",
                                  next_attempt_at=now, last_error="", last_error_code="")
            except Conflict:
                continue
            resumed += 1
    return resumed


def resume_paused() -> int:
    """The periodic sweep: every paused target whose account is usable again."""
    from accounts.models import ConnectedAccount

    accounts = ConnectedAccount.objects.filter(
        disconnected_at__isnull=True, status=AccountStatus.ACTIVE,
        post_targets__status=TargetState.PAUSED).distinct()
    return sum(resume_account_targets(account=account) for account in accounts)


@receiver(account_became_usable, dispatch_uid="pipeline_resume_on_reconnect")
def _on_account_usable(sender, account, **kwargs) -> None:
    count = resume_account_targets(account=account)
    if count:
        log.info("resumed %d paused targets of account %s", count, account.pk)
