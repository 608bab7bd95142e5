from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistantConfig(AppConfig):
    name = "assistant"
    verbose_name = _("Writing assistant")

    def ready(self) -> None:
        from accounts.audit_text import register
        from assistant.audit_sentences import SENTENCES

        register(SENTENCES)  # how its audit entries read (accounts.audit_text)
