"""Emails about connected accounts, to the organisation's admins and owners."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import ConnectedAccount, Membership
from accounts.roles import Role


def admin_emails(organization) -> list[str]:
    return sorted(set(
        Membership.objects.filter(organization=organization, role__in=[Role.ADMIN, Role.OWNER])
        .exclude(user__email="").values_list("user__email", flat=True)
    ))


def _accounts_url(account: ConnectedAccount) -> str:
    return settings.SITE_URL + reverse("connected_accounts",
                                       kwargs={"org_slug": account.organization.slug})


def _send(account: ConnectedAccount, subject: str, template: str, **context) -> int:
    recipients = admin_emails(account.organization)
    if not recipients:
        return 0
    body = render_to_string(template, {"account": account, "url": _accounts_url(account),
                                       "organization": account.organization, **context})
    return send_mail(subject, body, None, recipients)


def send_needs_reconnect_mail(account_id: int) -> int:
    account = ConnectedAccount.objects.select_related("organization").filter(pk=account_id).first()
    if account is None:
        return 0
    with translation.override(account.organization.language):
        subject = _("%(account)s needs to be reconnected") % {"account": account.name}
        return _send(account, subject, "accounts/connected/email_needs_reconnect.txt")


def send_expiry_reminder_mail(account_id: int, days: int) -> int:
    account = ConnectedAccount.objects.select_related("organization").filter(pk=account_id).first()
    if account is None:
        return 0
    with translation.override(account.organization.language):
        subject = _("The connection of %(account)s ends in %(days)d days") % {
            "account": account.name, "days": days}
        if days == 1:
            subject = _("The connection of %(account)s ends tomorrow") % {"account": account.name}
        return _send(account, subject, "accounts/connected/email_expiry_reminder.txt", days=days)
