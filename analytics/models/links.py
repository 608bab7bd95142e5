"""Own short links: `/l/<code>` on the installation's domain, counted without cookies.

A link is made once per published target and destination URL (so a retried publish sends the
same text), and its clicks are counted per day; nothing about the visitor is stored — no IP
address, no user agent, no cookie (see analytics/services/links.py for the bot rule).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import ConnectedAccount, Organization
from accounts.models.tenant import TenantQuerySet


class ShortLink(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="+")
    code = models.CharField(max_length=16, unique=True)
    # Where the link leads: the post's URL with the organisation's UTM rule applied.
    url = models.TextField()
    target = models.ForeignKey("content.PostTarget", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="short_links")
    post = models.ForeignKey("content.Post", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    account = models.ForeignKey(ConnectedAccount, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")
    provider = models.CharField(max_length=32, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    clicks = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["target", "url"],
                                               name="short_link_target_url")]
        indexes = [models.Index(fields=["organization", "-created_at"],
                                name="short_link_org_created")]
        verbose_name = _("short link")
        verbose_name_plural = _("short links")

    def __str__(self) -> str:
        return f"/l/{self.code}"


class ShortLinkDay(models.Model):
    """Clicks of one link on one day of the organisation's time zone."""

    link = models.ForeignKey(ShortLink, on_delete=models.CASCADE, related_name="days")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="+", db_index=False)
    day = models.DateField()
    clicks = models.PositiveIntegerField(default=0)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["link", "day"],
                                               name="short_link_day_unique")]
        indexes = [models.Index(fields=["organization", "day"], name="short_link_day_org")]

    def __str__(self) -> str:
        return f"{self.link_id} {self.day}: {self.clicks}"
