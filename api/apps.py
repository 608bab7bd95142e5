from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    label = "api"
    verbose_name = _("API and webhooks")

    def ready(self) -> None:
        # Schema extensions (the bearer-token scheme) register themselves on import.
        from accounts.audit_text import register
        from api import receivers, schema  # noqa: F401
        from api.audit_sentences import SENTENCES

        receivers.connect()
        register(SENTENCES)  # how its audit entries read (accounts.audit_text)
