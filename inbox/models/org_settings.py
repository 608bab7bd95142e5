from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization


class InboxSettings(models.Model):
    """The organisation's inbox settings (kept here so the inbox owns its own table)."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE,
                                        related_name="inbox_settings")
    replies_require_approval = models.BooleanField(
        _("replies require approval"), default=False,
        help_text=_("Replies by editors wait for an approver before they are sent."))
    allow_remote_media = models.BooleanField(
        _("show avatars and media from the platforms"), default=False,
        help_text=_("Loaded through this server, so the platforms never see your team's "
                    "browsers. Off: initials are shown instead."))
    retention_months = models.PositiveSmallIntegerField(
        _("delete items after (months)"), null=True, blank=True,
        help_text=_("Items older than this are deleted every night. Empty: keep them."))

    class Meta:
        verbose_name = _("inbox settings")
        verbose_name_plural = _("inbox settings")

    def __str__(self) -> str:
        return f"inbox settings of {self.organization}"
