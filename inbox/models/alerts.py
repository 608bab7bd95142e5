"""Spike alerts: an account suddenly receives far more negative items or mentions than it
usually does (inbox/services/alerts.py decides; this is what a person sees and acknowledges)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import ConnectedAccount, Organization
from accounts.models.tenant import TenantQuerySet


class AlertKind(models.TextChoices):
    NEGATIVE = "negative", _("Negative items")
    MENTIONS = "mentions", _("Mentions")


class Alert(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    account = models.ForeignKey(ConnectedAccount, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("type"), max_length=16, choices=AlertKind.choices)
    # The hour that was unusual, what it held, and what the account's own history expected.
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    count = models.PositiveIntegerField()
    baseline = models.FloatField(help_text="Median items per hour over the baseline days.")
    threshold = models.PositiveIntegerField()
    # The items that caused it (newest first, at most ALERT_ITEMS of them).
    item_ids = models.JSONField(default=list)
    raised_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        indexes = [models.Index(fields=["organization", "-raised_at"], name="alert_org_time"),
                   models.Index(fields=["account", "kind", "-raised_at"],
                                name="alert_account_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.count} ({self.account_id})"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None
