from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.models.tenant import TenantQuerySet
from inbox.models.items import InboxItem, Sentiment


class SentimentCorrection(models.Model):
    """A person's correction of an item's sentiment label: who, when, from what to what.
    Kept for good (the history of an item's label, and material to measure the analyser)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="+", db_index=False)
    item = models.ForeignKey(InboxItem, on_delete=models.CASCADE,
                             related_name="sentiment_corrections")
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    corrected_at = models.DateTimeField(auto_now_add=True)
    from_label = models.CharField(max_length=8, choices=Sentiment.choices, blank=True)
    to_label = models.CharField(max_length=8, choices=Sentiment.choices)
    # The analyser's score when the person corrected it (null when never scored).
    from_score = models.FloatField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-corrected_at", "-id"]
        verbose_name = _("sentiment correction")
        verbose_name_plural = _("sentiment corrections")
        indexes = [models.Index(fields=["organization", "-corrected_at"],
                                name="inbox_sentcorr_org_time")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.from_label or '—'} → {self.to_label}"
