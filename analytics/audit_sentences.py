"""Sentences of the audit verbs of analytics (see accounts.audit_text)."""

from django.utils.translation import gettext_lazy

from accounts.audit_text import says

SENTENCES = {
    "analytics.settings.changed": says(gettext_lazy("%(actor)s changed the analytics settings.")),
    "analytics.link.disabled": says(gettext_lazy("%(actor)s disabled the short link %(target)s.")),
    "analytics.link.enabled": says(gettext_lazy(
        "%(actor)s enabled the short link %(target)s again.")),
}
