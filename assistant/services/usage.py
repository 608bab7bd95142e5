"""Per-organisation monthly usage of the writing assistant, and its limit.

A request is reserved before it is sent (so two people at once cannot both take the last
one) and handed back when the endpoint gave no answer at all. Tokens are added from the
answer's `usage` field when the server reports it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization
from accounts.services.errors import ServiceError
from assistant.client import Usage
from assistant.models import AssistantSettings, AssistantUsage, LimitKind


def current_month(organization: Organization) -> dt.date:
    """The first day of this month in the organisation's time zone."""
    try:
        tz = zoneinfo.ZoneInfo(organization.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = dt.UTC
    return timezone.localdate(timezone=tz).replace(day=1)


@dataclass(frozen=True)
class MonthUsage:
    month: dt.date
    requests: int
    tokens: int
    unmetered_requests: int
    limit_kind: str
    limit: int

    @property
    def used(self) -> int:
        return self.tokens if self.limit_kind == LimitKind.TOKENS else self.requests

    @property
    def reached(self) -> bool:
        return self.used >= self.limit

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.used / self.limit)) if self.limit else 100


def month_usage(organization: Organization, current: AssistantSettings) -> MonthUsage:
    month = current_month(organization)
    row = AssistantUsage.objects.filter(organization=organization, month=month).first()
    return MonthUsage(month=month, requests=row.requests if row else 0,
                      tokens=row.tokens if row else 0,
                      unmetered_requests=row.unmetered_requests if row else 0,
                      limit_kind=current.limit_kind, limit=current.monthly_limit)


def limit_reached_message(usage: MonthUsage) -> str:
    if usage.limit_kind == LimitKind.TOKENS:
        return _("This month's limit of %(limit)s tokens for the writing assistant is "
                 "used up. An admin can raise it under Settings → Writing assistant.") % {
                     "limit": usage.limit}
    return _("This month's limit of %(limit)s requests for the writing assistant is used "
             "up. An admin can raise it under Settings → Writing assistant.") % {
                 "limit": usage.limit}


@transaction.atomic
def usage_reserve(organization: Organization, current: AssistantSettings) -> dt.date:
    """Count one request, or refuse (ServiceError code "limit") when the month's limit is
    reached. Returns the month it was counted in (to hand back or add tokens to)."""
    month = current_month(organization)
    row, _created = AssistantUsage.objects.select_for_update().get_or_create(
        organization=organization, month=month)
    used = row.tokens if current.limit_kind == LimitKind.TOKENS else row.requests
    if used >= current.monthly_limit:
        raise ServiceError(limit_reached_message(month_usage(organization, current)),
                           code="limit")
    AssistantUsage.objects.filter(pk=row.pk).update(requests=F("requests") + 1)
    return month


def usage_release(organization: Organization, month: dt.date) -> None:
    """The endpoint gave no answer: the reserved request does not count."""
    AssistantUsage.objects.filter(organization=organization, month=month,
                                  requests__gt=0).update(requests=F("requests") - 1)


def usage_add_tokens(organization: Organization, month: dt.date, usage: Usage) -> None:
    if not usage.reported:
        AssistantUsage.objects.filter(organization=organization, month=month).update(
            unmetered_requests=F("unmetered_requests") + 1)
        return
    AssistantUsage.objects.filter(organization=organization, month=month).update(
        prompt_tokens=F("prompt_tokens") + (usage.prompt_tokens or 0),
        completion_tokens=F("completion_tokens") + (usage.completion_tokens or 0))
