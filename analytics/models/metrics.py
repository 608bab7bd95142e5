"""Metric snapshots as measured by the platforms: appended, never overwritten.

A metric the platform does not report is NULL (post metrics) or has no row (account
metrics); it is never stored as 0. Every value keeps the platform field it was read from
and the time it was fetched, so any figure can show its provenance.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import ConnectedAccount, Organization
from accounts.models.tenant import TenantQuerySet

# Post metrics we keep as columns (what the providers report under these names).
POST_METRIC_NAMES = ("impressions", "reach", "likes", "reposts", "replies", "clicks", "saves",
                     "quotes", "bookmarks")
# Account metrics shown by name; others a platform reports ("listed", "fans") are kept too.
ACCOUNT_METRIC_NAMES = ("followers", "following", "posts")


class PostMetricColumns(models.Model):
    """The post metrics as columns (POST_METRIC_NAMES), NULL when not reported: the
    snapshots and the latest-values rollup share them."""

    impressions = models.BigIntegerField(null=True, blank=True)
    reach = models.BigIntegerField(null=True, blank=True)
    likes = models.BigIntegerField(null=True, blank=True)
    reposts = models.BigIntegerField(null=True, blank=True)
    replies = models.BigIntegerField(null=True, blank=True)
    clicks = models.BigIntegerField(null=True, blank=True)
    saves = models.BigIntegerField(null=True, blank=True)
    quotes = models.BigIntegerField(null=True, blank=True)
    bookmarks = models.BigIntegerField(null=True, blank=True)

    class Meta:
        abstract = True


class AccountMetricSnapshot(models.Model):
    """One account metric as one fetch returned it (long format: one row per metric)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(ConnectedAccount, on_delete=models.CASCADE,
                                related_name="metric_snapshots")
    metric = models.CharField(max_length=32)  # "followers", "following", "posts", …
    value = models.BigIntegerField()
    source_field = models.CharField(max_length=100)  # e.g. "followers_count"
    fetched_at = models.DateTimeField()  # when the platform answered
    day = models.DateField()  # UTC date of fetched_at: one capture a day is the schedule
    captured_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("account metric snapshot")
        verbose_name_plural = _("account metric snapshots")
        indexes = [
            # Follower growth: one account's series of one metric over a range.
            models.Index(fields=["account", "metric", "fetched_at"], name="acct_metric_series"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.metric}={self.value} @ {self.fetched_at:%Y-%m-%d %H:%M}"


class PostMetricSnapshot(PostMetricColumns):
    """A post target's counts at one moment after publishing (wide: one column per metric)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(ConnectedAccount, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey("content.PostTarget", on_delete=models.CASCADE,
                               related_name="metric_snapshots")
    # Hours after publishing this capture was scheduled for (1, 6, 24, 72, 168, 720).
    age_bucket = models.PositiveSmallIntegerField()
    fetched_at = models.DateTimeField()
    captured_at = models.DateTimeField(auto_now_add=True)
    # {"likes": "favourites_count", …}: the platform field of each measured value.
    sources = models.JSONField(default=dict, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("post metric snapshot")
        verbose_name_plural = _("post metric snapshots")
        indexes = [
            # A post's history (its growth curve, the provenance view); the dashboard reads
            # the rollup (TargetMetrics) instead, so this is the only index the table needs.
            models.Index(fields=["target", "fetched_at"], name="post_metric_target_time"),
        ]

    def __str__(self) -> str:
        return f"{self.target_id} @ {self.age_bucket}h"
