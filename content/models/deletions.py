"""Deleting a published post on the platform: one row per target a person chose."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models.tenant import TenantQuerySet


class DeletionStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be deleted")
    DELETING = "deleting", _("Deleting")
    DELETED = "deleted", _("Deleted")
    FAILED = "failed", _("Delete failed")
    NOT_POSSIBLE = "not_possible", _("Not possible on this platform")


# Where a deletion may go from each state; the service writes status by compare-and-set.
DELETION_TRANSITIONS: dict[str, frozenset[str]] = {
    DeletionStatus.QUEUED: frozenset({DeletionStatus.DELETING}),
    # deleting → deleting: a worker died mid-call and its lease expired (the delete is
    # idempotent on every platform, so calling again is safe)
    DeletionStatus.DELETING: frozenset({DeletionStatus.DELETED, DeletionStatus.FAILED,
                                        DeletionStatus.NOT_POSSIBLE, DeletionStatus.QUEUED,
                                        DeletionStatus.DELETING}),
    DeletionStatus.FAILED: frozenset({DeletionStatus.QUEUED}),
    DeletionStatus.DELETED: frozenset(),
    DeletionStatus.NOT_POSSIBLE: frozenset(),
}
# A deletion in one of these states still has to happen (the post is not gone yet).
OPEN_DELETIONS = (DeletionStatus.QUEUED, DeletionStatus.DELETING, DeletionStatus.FAILED)


class TargetDeletionQuerySet(TenantQuerySet):
    org_field = "target__post__organization"


class TargetDeletion(models.Model):
    """A person asked to delete this published target on its platform; what came of it."""

    target = models.OneToOneField("content.PostTarget", on_delete=models.CASCADE,
                                  related_name="deletion")
    status = models.CharField(_("status"), max_length=20, choices=DeletionStatus.choices,
                              default=DeletionStatus.QUEUED, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    objects = TargetDeletionQuerySet.as_manager()

    class Meta:
        verbose_name = _("deletion on the platform")
        verbose_name_plural = _("deletions on the platform")

    def __str__(self) -> str:
        return f"{self.target_id}:{self.status}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_DELETIONS

    @property
    def can_retry(self) -> bool:
        """Failed, or claimed by a worker that did not finish in time."""
        from django.utils import timezone

        return self.status == DeletionStatus.FAILED or (
            self.status == DeletionStatus.DELETING and self.lease_expires_at is not None
            and self.lease_expires_at < timezone.now())
