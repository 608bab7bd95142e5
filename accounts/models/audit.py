from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models.organizations import Organization
from accounts.models.tenant import TenantQuerySet


class AuditEntry(models.Model):
    """Who did what to which object, when. Written only by `accounts.audit.audit_record`."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Kept when the user is deleted, so the log still says who it was.
    actor_label = models.CharField(max_length=254, blank=True)
    verb = models.CharField(max_length=80)  # dotted: accounts.member.role_changed
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The audit page: newest first per organisation, keyset on (created_at, id).
            models.Index(fields=["organization", "-created_at", "-id"], name="audit_org_time"),
            models.Index(fields=["organization", "verb", "-created_at"], name="audit_org_verb"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb}"
