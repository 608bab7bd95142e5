"""Replies sent from the inbox, and their delivery state machine (declared once, as data)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inbox.models.items import InboxItem


class ReplyStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", _("Pending approval")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    REJECTED = "rejected", _("Rejected")


REPLY_INITIAL = {ReplyStatus.PENDING_APPROVAL, ReplyStatus.SENDING}
REPLY_TERMINAL = {ReplyStatus.SENT, ReplyStatus.REJECTED}
REPLY_TRANSITIONS: dict[str, set[str]] = {
    ReplyStatus.PENDING_APPROVAL: {ReplyStatus.SENDING, ReplyStatus.REJECTED},
    ReplyStatus.SENDING: {ReplyStatus.SENT, ReplyStatus.FAILED},
    ReplyStatus.FAILED: {ReplyStatus.SENDING},  # retry
    ReplyStatus.SENT: set(),
    ReplyStatus.REJECTED: set(),
}


class InboxReply(models.Model):
    item = models.ForeignKey(InboxItem, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    text = models.TextField(_("reply"))
    status = models.CharField(max_length=20, choices=ReplyStatus.choices)
    remote_id = models.CharField(max_length=255, blank=True)
    remote_url = models.URLField(max_length=1000, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Stable across retries so a platform that honours it never posts twice.
    idempotency_key = models.UUIDField(default=uuid.uuid4, editable=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"], name="inbox_reply_status")]

    def __str__(self) -> str:
        return f"reply {self.pk} ({self.status})"
