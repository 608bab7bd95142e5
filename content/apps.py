from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = _("Content")

    def ready(self) -> None:
        from accounts.audit_text import register
        from content.audit_sentences import REASONS, SENTENCES

        register(SENTENCES, reasons=REASONS)  # how its audit entries read (accounts.audit_text)
        # The publishing pipeline resumes paused deliveries when an account is reconnected.
        # The navigation's cached counts follow every change of posts and notifications.
        from content import nav_counts  # noqa: F401
        from content.pipeline import resume  # noqa: F401
