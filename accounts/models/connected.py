from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models.organizations import Organization
from accounts.models.tenant import TenantQuerySet


class AccountStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    NEEDS_RECONNECT = "needs_reconnect", _("Needs reconnect")
    DISABLED = "disabled", _("Disabled")


class ConnectedAccountQuerySet(TenantQuerySet):
    def connected(self):
        """Accounts not disconnected (disconnecting keeps the row and its history)."""
        return self.filter(disconnected_at__isnull=True)


class ConnectedAccount(models.Model):
    """One platform account (a Mastodon user, a Facebook page …) connected to an organisation."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="connected_accounts"
    )
    provider = models.CharField(_("platform"), max_length=32)  # key in providers.registry
    external_id = models.CharField(max_length=255)
    handle = models.CharField(_("handle"), max_length=255)
    display_name = models.CharField(_("name"), max_length=255, blank=True)
    avatar_url = models.URLField(max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=AccountStatus.choices, default=AccountStatus.ACTIVE
    )
    # Encrypted with accounts.crypto (never plain text, never rendered).
    access_token_encrypted = models.TextField(blank=True, editable=False)
    refresh_token_encrypted = models.TextField(blank=True, editable=False)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    settings = models.JSONField(default=dict, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    disconnected_at = models.DateTimeField(null=True, blank=True)

    objects = ConnectedAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("connected account")
        verbose_name_plural = _("connected accounts")
        ordering = ["provider", "handle"]
        constraints = [
            # The same platform account once per organisation (other organisations may share it).
            models.UniqueConstraint(
                fields=["organization", "provider", "external_id"],
                condition=models.Q(disconnected_at__isnull=True),
                name="uniq_connected_account_per_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.handle} ({self.provider})"
