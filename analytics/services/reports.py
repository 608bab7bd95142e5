"""The monthly PDF report by email, for organisations whose admins turned it on."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.core.mail import EmailMessage
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import ConnectedAccount, Membership
from accounts.roles import Role
from analytics.models import AnalyticsSettings
from analytics.reports.pdf import render_report
from analytics.selectors.period import month_period
from analytics.selectors.scope import Scope

logger = logging.getLogger(__name__)


def previous_month_start(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def reports_send_monthly(*, now: dt.datetime | None = None) -> int:
    """Send last month's report to every organisation that wants it; returns how many.

    Idempotent per month (last_report_month is claimed with a compare-and-set before the
    mail goes out), so a beat task that runs twice sends once.
    """
    now = now or timezone.now()
    sent = 0
    for settings_row in (AnalyticsSettings.objects.filter(monthly_report=True)
                         .select_related("organization")):
        org = settings_row.organization
        tz = ZoneInfo(org.timezone)
        month = previous_month_start(now.astimezone(tz).date())
        claimed = (AnalyticsSettings.objects.filter(pk=settings_row.pk, monthly_report=True)
                   .exclude(last_report_month=month).update(last_report_month=month))
        if not claimed:
            continue
        try:
            report_send(organization=org, month=month)
            sent += 1
        except Exception:
            # One organisation's failure must not stop the others; release the claim.
            logger.exception("analytics: monthly report for org %s failed", org.pk)
            AnalyticsSettings.objects.filter(pk=settings_row.pk).update(last_report_month=None)
    return sent


def report_send(*, organization, month: dt.date) -> None:
    """Email the report for `month` (all connected accounts) to admins and owners."""
    recipients = list(Membership.objects.filter(
        organization=organization, role__in=[Role.ADMIN, Role.OWNER])
        .values_list("user__email", flat=True))
    if not recipients:
        return
    accounts = tuple(ConnectedAccount.objects.for_org(organization).connected()
                     .order_by("provider", "handle"))
    period = month_period(month, ZoneInfo(organization.timezone))
    with translation.override(organization.language):
        pdf = render_report(Scope(organization=organization, accounts=accounts, period=period))
        subject = _("%(org)s: analytics report for %(month)s") % {
            "org": organization.name, "month": month.strftime("%Y-%m")}
        body = _("Attached is last month's analytics report for %(org)s (all connected "
                 "accounts). Admins can turn this email off in the analytics settings.") % {
            "org": organization.name}
    message = EmailMessage(subject=subject, body=body, to=recipients)
    message.attach(f"{organization.slug}-report-{month:%Y-%m}.pdf", pdf, "application/pdf")
    message.send()
