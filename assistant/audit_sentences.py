"""Sentences of the audit verbs of the writing assistant (see accounts.audit_text)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit_text import says

FIELD_NAMES = {
    "enabled": gettext_lazy("on or off"),
    "base_url": gettext_lazy("endpoint address"),
    "model": gettext_lazy("model"),
    "api_key": gettext_lazy("API key"),
    "api_key_removed": gettext_lazy("API key removed"),
    "accepts_images": gettext_lazy("images"),
    "limit_kind": gettext_lazy("how usage is counted"),
    "monthly_limit": gettext_lazy("monthly limit"),
    "send_usage_option": gettext_lazy("token counts from the server"),
}


def _changed(line) -> str:
    fields = line.details.get("fields")
    names = [str(FIELD_NAMES[f]) for f in fields or () if f in FIELD_NAMES] \
        if isinstance(fields, list) else []
    if not names:
        return _("%(actor)s changed the writing assistant settings.") % {"actor": line.actor}
    return _("%(actor)s changed the writing assistant settings: %(fields)s.") % {
        "actor": line.actor, "fields": ", ".join(names)}


SENTENCES = {
    "assistant.settings.enabled": says(gettext_lazy(
        "%(actor)s turned the writing assistant on.")),
    "assistant.settings.disabled": says(gettext_lazy(
        "%(actor)s turned the writing assistant off.")),
    "assistant.settings.changed": _changed,
}
