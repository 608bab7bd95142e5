from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organisations and accounts")

    def ready(self) -> None:
        from accounts.audit_sentences import REASONS, SENTENCES
        from accounts.audit_text import register

        register(SENTENCES, reasons=REASONS)  # how its audit entries read (accounts.audit_text)
        # The layout's cached organisation list and reconnect banner follow every change.
        from accounts import shell_cache  # noqa: F401
