"""Sentences of the audit verbs the accounts app writes (see accounts.audit_text)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit_text import Line, says
from accounts.roles import Role
from platforms.registry import provider_name


def _role(value: str) -> str:
    return str(Role(value).label) if value in Role.values else value


def _role_changed(line: Line) -> str:
    return _("%(actor)s changed the role of %(target)s from %(old)s to %(new)s.") % {
        "actor": line.actor, "target": line.target,
        "old": _role(line.text("from")), "new": _role(line.text("to"))}


REASONS = {"accounts.account.needs_reconnect"}

SENTENCES = {
    "accounts.account.connected": says(gettext_lazy("%(actor)s connected the account %(target)s.")),
    "accounts.account.reconnected": says(gettext_lazy(
        "%(actor)s reconnected the account %(target)s.")),
    "accounts.account.disconnected": says(gettext_lazy(
        "%(actor)s disconnected the account %(target)s.")),
    "accounts.account.disabled": says(gettext_lazy(
        "%(actor)s switched the account %(target)s off.")),
    "accounts.account.enabled": says(gettext_lazy(
        "%(actor)s switched the account %(target)s back on.")),
    "accounts.account.renamed": says(gettext_lazy("%(actor)s renamed the account %(target)s.")),
    "accounts.account.needs_reconnect": says(gettext_lazy(
        "The account %(target)s lost its access and needs to be reconnected.")),
    "accounts.account.tokens_refreshed": says(gettext_lazy(
        "%(actor)s renewed the access of the account %(target)s.")),
    "accounts.invitation.created": says(gettext_lazy("%(actor)s invited %(target)s.")),
    "accounts.invitation.revoked": says(gettext_lazy(
        "%(actor)s withdrew the invitation of %(target)s.")),
    "accounts.invitation.accepted": says(gettext_lazy(
        "%(actor)s accepted the invitation and joined the organisation.")),
    "accounts.member.role_changed": _role_changed,
    "accounts.member.removed": says(gettext_lazy(
        "%(actor)s removed %(target)s from the organisation.")),
    "accounts.member.left": says(gettext_lazy("%(actor)s left the organisation.")),
    "accounts.member.account_access_changed": says(gettext_lazy(
        "%(actor)s changed which accounts %(target)s may use.")),
    "accounts.organization.created": says(gettext_lazy(
        "%(actor)s created the organisation.")),
    "accounts.organization.settings_changed": says(gettext_lazy(
        "%(actor)s changed the organisation's settings.")),
    "accounts.organization.exported": says(gettext_lazy(
        "%(actor)s exported the organisation's data.")),
    "accounts.organization.imported": says(gettext_lazy(
        "The organisation was imported from an export archive.")),
    "accounts.platform_app.saved": lambda line: _(
        "%(actor)s saved the %(platform)s app credentials.") % {
            "actor": line.actor, "platform": provider_name(line.text("provider"))},
    "accounts.platform_app.deleted": lambda line: _(
        "%(actor)s removed the %(platform)s app credentials.") % {
            "actor": line.actor, "platform": provider_name(line.text("provider"))},
}
