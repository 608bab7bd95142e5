"""The follow-up deliveries of a target: thread parts and the first comment.

The target itself carries the first part of a post. Every further part of a thread, and
the first comment, is a `TargetPart` with its own state, attempts, idempotency key and
remote id, sent in `position` order once the one before it is out (content/pipeline/parts.py).
A failure in part 3 leaves parts 1–2 as they are; a retry starts at part 3.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models.tenant import TenantQuerySet


class PartKind(models.TextChoices):
    THREAD = "thread", _("Thread part")
    COMMENT = "comment", _("First comment")


class PartState(models.TextChoices):
    WAITING = "waiting", _("Waiting for the part before")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Published")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    DELETED = "deleted", _("Deleted from the platform")  # with its post, at a person's request


PART_TRANSITIONS: dict[str, frozenset[str]] = {
    PartState.WAITING: frozenset({PartState.SCHEDULED, PartState.CANCELLED}),
    PartState.SCHEDULED: frozenset({PartState.SENDING, PartState.CANCELLED}),
    # sending → sending: the lease expired and the part is re-claimed (reconciled first)
    PartState.SENDING: frozenset({PartState.SENT, PartState.SCHEDULED, PartState.FAILED,
                                  PartState.SENDING}),
    PartState.FAILED: frozenset({PartState.SCHEDULED, PartState.CANCELLED}),
    PartState.SENT: frozenset({PartState.DELETED}),
    PartState.CANCELLED: frozenset(),
    PartState.DELETED: frozenset(),
}


class TargetPartQuerySet(TenantQuerySet):
    org_field = "target__post__organization"


class TargetPart(models.Model):
    """One further part of a thread, or the first comment, as it goes to one account."""

    target = models.ForeignKey("content.PostTarget", on_delete=models.CASCADE,
                               related_name="parts")
    kind = models.CharField(_("kind"), max_length=10, choices=PartKind.choices)
    # Sending order within the target: thread parts 1…n (after the target's own part),
    # the first comment last.
    position = models.PositiveSmallIntegerField()
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=12, choices=PartState.choices,
                              default=PartState.WAITING, editable=False)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    remote_id = models.CharField(max_length=255, blank=True)
    remote_url = models.URLField(max_length=1000, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_code = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TargetPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("thread part or first comment")
        verbose_name_plural = _("thread parts and first comments")
        ordering = ["target_id", "position"]
        constraints = [models.UniqueConstraint(fields=["target", "position"],
                                               name="uniq_part_position")]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="part_due_idx",
                         condition=models.Q(status="scheduled")),
            models.Index(fields=["lease_expires_at"], name="part_lease_idx",
                         condition=models.Q(status="sending")),
            models.Index(fields=["target"], name="part_waiting_idx",
                         condition=models.Q(status="waiting")),
        ]

    def __str__(self) -> str:
        return f"{self.target_id}:{self.position}:{self.status}"

    @property
    def status_label(self) -> str:
        return str(PartState(self.status).label)

    @property
    def badge_status(self) -> str:
        """The status colour this state shares with the targets' (docs: ui.md)."""
        return {PartState.WAITING: "draft", PartState.SENDING: "publishing",
                PartState.SENT: "published",
                PartState.DELETED: "cancelled"}.get(self.status, self.status)

    @property
    def is_comment(self) -> bool:
        return self.kind == PartKind.COMMENT
