from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortabilityConfig(AppConfig):
    """An app only for its management commands (export_organization, import_organization)."""

    name = "socialmgr.portability"
    label = "portability"
    verbose_name = _("Organisation export and import")
