"""Thin Celery tasks for connected accounts (token lifecycle). They take ids, call services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import ConnectedAccount
from accounts.services.account_mail import send_expiry_reminder_mail
from accounts.services.connected_accounts import account_refresh_tokens
from platforms.errors import Transient
from platforms.registry import enabled_keys, provider_class

REMINDER_DAYS = (7, 1)


@shared_task(name="accounts.refresh_expiring_tokens", ignore_result=True)
def refresh_expiring_tokens() -> int:
    """Beat: queue a refresh for every usable account whose token ends within its provider's
    `refresh_ahead` (30 minutes unless the provider says otherwise)."""
    now = timezone.now()
    due_soon = Q()
    for key in enabled_keys():
        ahead = provider_class(key).refresh_ahead
        due_soon |= Q(provider=key, token_expires_at__lte=now + ahead)
    if not due_soon:
        return 0
    due = (ConnectedAccount.objects.usable().filter(due_soon)
           .exclude(refresh_token_encrypted="")
           .values_list("pk", flat=True))
    ids = list(due)
    for pk in ids:
        transaction.on_commit(lambda pk=pk: refresh_account_tokens.delay(pk))
    return len(ids)


@shared_task(name="accounts.refresh_account_tokens", bind=True, ignore_result=True,
             autoretry_for=(Transient,), retry_backoff=60, retry_backoff_max=900, max_retries=5)
def refresh_account_tokens(self, account_id: int) -> bool:
    return account_refresh_tokens(account_id=account_id)


@shared_task(name="accounts.send_expiry_reminders", ignore_result=True)
def send_expiry_reminders() -> int:
    """Beat (hourly): remind admins 7 and 1 days before a non-refreshable token ends, once each."""
    now = timezone.now()
    sent = 0
    for days in REMINDER_DAYS:
        due = (ConnectedAccount.objects.usable()
               .filter(refresh_token_encrypted="", token_expires_at__gt=now,
                       token_expires_at__lte=now + dt.timedelta(days=days))
               .filter(Q(expiry_reminder_days__isnull=True) | Q(expiry_reminder_days__gt=days)))
        for pk in list(due.values_list("pk", flat=True)):
            # Claim the reminder first (compare-and-set) so two beats never send it twice.
            claimed = (ConnectedAccount.objects.filter(pk=pk)
                       .filter(Q(expiry_reminder_days__isnull=True)
                               | Q(expiry_reminder_days__gt=days))
                       .update(expiry_reminder_days=days))
            if claimed:
                send_expiry_reminder_mail(pk, days)
                sent += 1
    return sent
