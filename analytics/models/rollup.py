"""Read-side rollup and collection schedule, maintained when snapshots are ingested."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import ConnectedAccount, Organization
from accounts.models.tenant import TenantQuerySet
from analytics.models.metrics import POST_METRIC_NAMES, PostMetricColumns

BUCKETS_HOURS = (1, 6, 24, 72, 168, 720)  # ≈1 h, 6 h, 24 h, 3 d, 7 d, 30 d after publishing


class TargetMetrics(PostMetricColumns):
    """One row per published target: its latest measured values and when to measure next.

    The dashboard aggregates these rows (one per post and account) instead of scanning the
    snapshot table, so a 90-day view reads a few thousand rows however many snapshots exist.
    The metric columns are PostMetricSnapshot's (PostMetricColumns); NULL still means
    "not reported by the platform".
    """

    # Both indexed by target_metrics_org_acct_time (organization, then account): no separate
    # foreign-key indexes needed.
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    account = models.ForeignKey(ConnectedAccount, on_delete=models.CASCADE, related_name="+",
                                db_index=False)
    target = models.OneToOneField("content.PostTarget", on_delete=models.CASCADE,
                                  related_name="metrics")
    post = models.ForeignKey("content.Post", on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(max_length=32)
    published_at = models.DateTimeField()
    # Collection schedule: the next age bucket to capture and when; NULL when done.
    next_bucket = models.PositiveSmallIntegerField(null=True, blank=True)
    next_due_at = models.DateTimeField(null=True, blank=True)
    unsupported = models.BooleanField(default=False)  # the platform offers no post metrics
    fetched_at = models.DateTimeField(null=True, blank=True)  # of the latest values
    snapshots = models.PositiveIntegerField(default=0)
    # Sum of the measured engagement metrics (NULL when none was measured): sorts top posts.
    engagements = models.BigIntegerField(null=True, blank=True)
    sources = models.JSONField(default=dict, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("post metrics (latest)")
        verbose_name_plural = _("post metrics (latest)")
        indexes = [
            # Every dashboard widget: the organisation's selected accounts' posts published in
            # a range (one range scan per account). The included columns are everything the
            # period totals, the daily counts and the year-long heatmap read, so those are
            # index-only scans: no heap visits for 40,000 posts of a busy 90-day comparison.
            # (With organization only included, PostgreSQL preferred ANDing in the
            # organization index and visiting the heap: 50 ms instead of 10.)
            models.Index(fields=["organization", "account", "published_at"],
                         name="target_metrics_org_acct_time",
                         include=["fetched_at", "engagements", *POST_METRIC_NAMES]),
            # The collector: rows due for their next capture (partial: finished rows drop out).
            models.Index(fields=["next_due_at"], name="target_metrics_due",
                         condition=models.Q(next_due_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"metrics of target {self.target_id}"


class MetricsSchedule(models.Model):
    """Per account: when account metrics are due next, and a platform's rate-limit pause."""

    account = models.OneToOneField(ConnectedAccount, on_delete=models.CASCADE,
                                   related_name="metrics_schedule")
    account_due_at = models.DateTimeField(null=True, blank=True)
    # RateLimited(retry_after): no metrics calls for this account before this time.
    blocked_until = models.DateTimeField(null=True, blank=True)
    account_metrics_unsupported = models.BooleanField(default=False)
    # A collection run holds the account until then, so two runs never capture twice.
    leased_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("metrics schedule")
        verbose_name_plural = _("metrics schedules")

    def __str__(self) -> str:
        return f"metrics schedule of {self.account_id}"
