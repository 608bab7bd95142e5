"""Outgoing webhooks: endpoints an organisation registers, and every delivery attempt's log."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.models.tenant import TenantQuerySet


class WebhookEvent(models.TextChoices):
    POST_PUBLISHED = "post.published", _("Post published (per account)")
    POST_FAILED = "post.failed", _("Post failed (per account)")
    POST_DELETED = "post.deleted", _("Post deleted on the platform (per account)")
    INBOX_ITEM_RECEIVED = "inbox.item_received", _("Inbox item received")
    APPROVAL_REQUESTED = "approval.requested", _("Approval requested")
    ALERT_RAISED = "alert.raised", _("Spike alert raised")


class WebhookEndpoint(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="webhook_endpoints")
    url = models.URLField(_("URL"), max_length=1000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    # Signing secret, encrypted with lib.crypto (we must read it back to sign).
    secret_encrypted = models.TextField(editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.url

    def get_secret(self) -> str:
        from lib.crypto import decrypt

        return decrypt(self.secret_encrypted)

    def event_labels(self) -> list[str]:
        return [str(WebhookEvent(e).label) for e in self.events if e in WebhookEvent.values]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDeliveryQuerySet(TenantQuerySet):
    def due(self, now):
        return self.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)


class WebhookDelivery(models.Model):
    """One event for one endpoint. Retried in place; a re-send is a new row with the same event."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="webhook_deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE,
                                 related_name="deliveries")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    event_id = models.UUIDField()  # the same for every endpoint and re-send of one event
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    resent_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="webhook_due_idx",
                         condition=models.Q(status="pending")),
            models.Index(fields=["lease_expires_at"], name="webhook_lease_idx",
                         condition=models.Q(status="sending")),
            models.Index(fields=["endpoint", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.status})"
