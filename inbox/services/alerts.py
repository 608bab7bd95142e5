"""Spike alerts: far more negative items or mentions in the last hour than the account's
own history makes usual.

The rule (robust, per account and kind, documented in docs/getting-started.md): count the
items of the last hour and each clock hour of the ALERT_BASELINE_DAYS before it (hours
without items count as 0). With m the median and s = 1.4826 × MAD (the median absolute
deviation, scaled to a standard deviation), an hour is a spike when its count reaches

    max(ALERT_MIN_ITEMS, 3 × m, m + 4 × max(s, √m, 1))

— a handful of items is never a crisis, a busy account needs many more than its usual, and
one odd hour in the history does not move the median. An account raises at most one alert
per kind within ALERT_COOLDOWN_HOURS; while that alert is open a bigger wave updates it.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import smtplib
import statistics
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncHour
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import ConnectedAccount, Membership
from accounts.roles import role_allows
from content.models import Notification
from inbox.models import Alert, AlertKind, InboxItem, ItemKind, Sentiment
from inbox.signals import alert_raised

log = logging.getLogger(__name__)

ALERT_ITEMS = 20  # items kept (and shown) per alert
KIND_FILTER = {
    AlertKind.NEGATIVE: Q(sentiment=Sentiment.NEGATIVE),
    AlertKind.MENTIONS: Q(kind=ItemKind.MENTION),
}


def spike_threshold(history: list[int]) -> tuple[float, int]:
    """(median, the count at which an hour is a spike) for hourly counts `history`."""
    median = statistics.median(history) if history else 0.0
    mad = statistics.median([abs(c - median) for c in history]) if history else 0.0
    spread = max(1.4826 * mad, math.sqrt(median), 1.0)
    threshold = max(settings.ALERT_MIN_ITEMS, 3 * median, median + 4 * spread)
    return median, math.ceil(threshold)


def _hourly_counts(organization, start, end) -> dict:
    """{(account id, kind): {hour: count}} over [start, end) in one aggregate."""
    rows = (InboxItem.objects.for_org(organization).visible()
            .filter(created_at__gte=start, created_at__lt=end)
            .annotate(hour=TruncHour("created_at", tzinfo=dt.UTC))
            .values("account_id", "hour")
            .annotate(**{kind.value: Count("pk", filter=f) for kind, f in KIND_FILTER.items()}))
    counts: dict = defaultdict(dict)
    for row in rows:
        for kind in KIND_FILTER:
            if row[kind.value]:
                counts[(row["account_id"], kind)][row["hour"]] = row[kind.value]
    return counts


def alerts_detect(organization, *, now: dt.datetime | None = None) -> list[Alert]:
    """Raise (or grow) the organisation's alerts for the hour before `now`."""
    now = now or timezone.now()
    window_start = now - dt.timedelta(hours=1)
    baseline_start = window_start - dt.timedelta(days=settings.ALERT_BASELINE_DAYS)
    hours = settings.ALERT_BASELINE_DAYS * 24
    # The last hour, counted on its own; the baseline in clock hours before it.
    current = _counts_in(organization, window_start, now)
    if not current:
        return []
    history = _hourly_counts(organization, baseline_start, window_start)
    raised = []
    for (account_id, kind), count in current.items():
        series = list(history.get((account_id, kind), {}).values())
        series += [0] * (hours - len(series))
        median, threshold = spike_threshold(series)
        if count >= threshold:
            alert = _raise(organization, account_id, kind, count, median, threshold,
                           window_start, now)
            if alert is not None:
                raised.append(alert)
    return raised


def _counts_in(organization, start, end) -> dict:
    rows = (InboxItem.objects.for_org(organization).visible()
            .filter(created_at__gte=start, created_at__lt=end).values("account_id")
            .annotate(**{kind.value: Count("pk", filter=f) for kind, f in KIND_FILTER.items()}))
    return {(row["account_id"], kind): row[kind.value] for row in rows for kind in KIND_FILTER
            if row[kind.value]}


@transaction.atomic
def _raise(organization, account_id, kind, count, median, threshold, start, end):
    cooldown = end - dt.timedelta(hours=settings.ALERT_COOLDOWN_HOURS)
    recent = (Alert.objects.for_org(organization).select_for_update()
              .filter(account_id=account_id, kind=kind, raised_at__gte=cooldown)
              .order_by("-raised_at").first())
    items = list(InboxItem.objects.for_org(organization).visible()
                 .filter(KIND_FILTER[kind], account_id=account_id, created_at__gte=start,
                         created_at__lt=end)
                 .order_by("-created_at").values_list("pk", flat=True)[:ALERT_ITEMS])
    if recent is not None:
        # Rate limit: one alert per account and kind per cool-down; a growing wave updates
        # the open one instead of raising another.
        if recent.is_open and count > recent.count:
            recent.count, recent.window_start, recent.window_end = count, start, end
            recent.item_ids = items
            recent.save(update_fields=["count", "window_start", "window_end", "item_ids"])
        return None
    alert = Alert.objects.create(organization=organization, account_id=account_id, kind=kind,
                                 window_start=start, window_end=end, count=count,
                                 baseline=median, threshold=threshold, item_ids=items)
    audit_record(organization=organization, actor=None, verb="inbox.alert.raised",
                 target=alert, details={"kind": str(kind),
                                        "count": count, "baseline": round(median, 2),
                                        "account": account_id})
    _notify(alert)
    alert_raised.send(sender=Alert, alert=alert)
    return alert


def alert_message(alert: Alert) -> str:
    account = ConnectedAccount.objects.get(pk=alert.account_id)
    values = {"n": alert.count, "account": account.handle or account.display_name,
              "usual": f"{alert.baseline:g}"}
    if alert.kind == AlertKind.NEGATIVE:
        return _("Spike alert: %(n)s negative items for %(account)s in the last hour "
                 "(usually %(usual)s an hour).") % values
    return _("Spike alert: %(n)s mentions of %(account)s in the last hour "
             "(usually %(usual)s an hour).") % values


def _notify(alert: Alert) -> None:
    """In the app and by e-mail, to the people who lead the inbox (approvers and up)."""
    members = (Membership.objects.filter(organization_id=alert.organization_id)
               .select_related("user"))
    people = [m.user for m in members if role_allows(m.role, "inbox.approve")]
    url = settings.SITE_URL + reverse("inbox_alerts",
                                      kwargs={"org_slug": alert.organization.slug})
    mails = []
    for person in people:
        with translation.override(person.language or settings.LANGUAGE_CODE):
            message = alert_message(alert)
        Notification.objects.create(user=person, organization_id=alert.organization_id,
                                    verb="inbox.alert.raised", message=message[:300],
                                    actor_label="socialmgr")
        if person.email:
            mails.append((person.email, message))

    def send():
        for email, message in mails:
            try:
                send_mail(subject=f"[socialmgr] {message}"[:150], message=f"{message}\n\n{url}\n",
                          from_email=None, recipient_list=[email])
            except (OSError, smtplib.SMTPException):
                log.warning("alert email failed", exc_info=True)

    transaction.on_commit(send)


@transaction.atomic
def alert_acknowledge(*, organization, alert_id: int, actor, request=None) -> Alert:
    """Mark an alert as seen and handled (idempotent); audited once."""
    alert = Alert.objects.for_org(organization).select_for_update().get(pk=alert_id)
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = timezone.now(), actor
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_record(organization=organization, actor=actor, verb="inbox.alert.acknowledged",
                     target=alert, details={"kind": alert.kind, "count": alert.count},
                     request=request)
    return alert


def alerts_detect_all(*, now: dt.datetime | None = None) -> int:
    """Every organisation with connected accounts (the beat's task); returns alerts raised."""
    from accounts.models import Organization

    raised = 0
    for organization in Organization.objects.filter(connected_accounts__isnull=False).distinct():
        raised += len(alerts_detect(organization, now=now))
    return raised
