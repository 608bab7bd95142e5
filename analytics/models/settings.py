from django.core.cache import cache
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization

# analytics.utm.link_rules() caches the link switches per organisation under this key.
LINK_RULES_CACHE = "analytics:link_rules:{}"


class AnalyticsSettings(models.Model):
    """An organisation's analytics choices (one row, created on first save)."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE,
                                        related_name="analytics_settings")
    utm_enabled = models.BooleanField(
        _("add UTM parameters to links"), default=False,
        help_text=_("Links in posts get utm_source (the platform), utm_medium=social and "
                    "utm_campaign (the post's first label), so web analytics can tell where "
                    "visitors came from."))
    shorten_links = models.BooleanField(
        _("shorten links to this installation's domain"), default=False,
        help_text=_("Links in posts become short links (/l/…) on this installation, which "
                    "count clicks per post, network and day without cookies and without "
                    "storing IP addresses."))
    monthly_report = models.BooleanField(
        _("email a monthly PDF report"), default=False,
        help_text=_("On the 1st of each month, admins and owners receive last month's report "
                    "for all accounts."))
    # The first day of the last month a report was sent for (the task is idempotent).
    last_report_month = models.DateField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("analytics settings")
        verbose_name_plural = _("analytics settings")

    def __str__(self) -> str:
        return f"analytics settings of {self.organization_id}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The publishing worker reads the link switches through a cache (analytics.utm).
        key = LINK_RULES_CACHE.format(self.organization_id)
        cache.delete(key)
        transaction.on_commit(lambda: cache.delete(key))
