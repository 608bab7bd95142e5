from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "inbox"
    verbose_name = _("Inbox")

    def ready(self) -> None:
        from accounts.audit_text import register
        from inbox.audit_sentences import REASONS, SENTENCES

        register(SENTENCES, reasons=REASONS)  # how its audit entries read (accounts.audit_text)
