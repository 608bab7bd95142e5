from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from accounts.audit_text import register
        from analytics.audit_sentences import SENTENCES

        register(SENTENCES)  # how its audit entries read (accounts.audit_text)
