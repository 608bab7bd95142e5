"""Connected platform accounts, who may use them, and the platform apps they connect through."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models.organizations import Membership, Organization
from accounts.models.tenant import TenantQuerySet


class AccountStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    NEEDS_RECONNECT = "needs_reconnect", _("Needs reconnect")
    DISABLED = "disabled", _("Disabled")


class ConnectedAccountQuerySet(TenantQuerySet):
    def connected(self):
        """Accounts not disconnected (disconnecting keeps the row and its history)."""
        return self.filter(disconnected_at__isnull=True)

    def usable(self):
        """Accounts work may be done for right now (publishing, polling, metrics)."""
        return self.connected().filter(status=AccountStatus.ACTIVE)


class ConnectedAccount(models.Model):
    """One platform account (a Mastodon user, a Facebook page …) connected to an organisation.

    Tokens are stored encrypted (lib.crypto); read them with `get_access_token()` /
    `get_refresh_token()` and change them only through the services.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="connected_accounts"
    )
    provider = models.CharField(_("platform"), max_length=32)  # key in providers.registry
    external_id = models.CharField(max_length=255)
    handle = models.CharField(_("handle"), max_length=255)
    display_name = models.CharField(_("name"), max_length=255, blank=True)
    # A name the organisation gives the account ("Client A – support"); wins over display_name.
    label = models.CharField(_("custom name"), max_length=100, blank=True)
    avatar_url = models.URLField(max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=AccountStatus.choices, default=AccountStatus.ACTIVE
    )
    # Encrypted with lib.crypto (never plain text, never rendered).
    access_token_encrypted = models.TextField(blank=True, editable=False)
    refresh_token_encrypted = models.TextField(blank=True, editable=False)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    # Smallest "days before expiry" reminder already sent (7, then 1); reset on new tokens.
    expiry_reminder_days = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    settings = models.JSONField(default=dict, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    # When the platform stopped accepting the tokens (status needs_reconnect); posts that
    # wait for the reconnect say since when, and give up after their deadline.
    needs_reconnect_since = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
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
        indexes = [
            models.Index(fields=["token_expires_at"], name="acct_token_expiry_idx",
                         condition=models.Q(disconnected_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.handle} ({self.provider})"

    def __repr__(self) -> str:  # never the token fields
        return f"<ConnectedAccount {self.pk} {self.provider}:{self.handle}>"

    @property
    def name(self) -> str:
        return self.label or self.display_name or self.handle

    @property
    def is_connected(self) -> bool:
        return self.disconnected_at is None

    @property
    def is_usable(self) -> bool:
        """Work for this account may run now; otherwise it waits (never dropped)."""
        return self.is_connected and self.status == AccountStatus.ACTIVE

    @property
    def has_refresh_token(self) -> bool:
        return bool(self.refresh_token_encrypted)

    @property
    def token_expired(self) -> bool:
        return self.token_expires_at is not None and self.token_expires_at <= timezone.now()

    def get_access_token(self) -> str:
        from lib.crypto import decrypt

        return decrypt(self.access_token_encrypted)

    def get_refresh_token(self) -> str:
        from lib.crypto import decrypt

        return decrypt(self.refresh_token_encrypted)

    def set_tokens(self, tokens, *, keep_refresh_token: bool = True) -> None:
        """Store `tokens` (a providers.base.Tokens) encrypted; does not save.

        A platform that answers a refresh without a new refresh token keeps the old one.
        """
        from lib.crypto import encrypt

        self.access_token_encrypted = encrypt(tokens.access_token)
        if tokens.refresh_token or not keep_refresh_token:
            self.refresh_token_encrypted = encrypt(tokens.refresh_token)
        if tokens.expires_at != self.token_expires_at:
            self.expiry_reminder_days = None
        self.token_expires_at = tokens.expires_at
        if tokens.extra:
            self.settings = {**self.settings, **tokens.extra}


class AccountAccessQuerySet(TenantQuerySet):
    org_field = "account__organization"


class AccountAccess(models.Model):
    """Restricts a member to some accounts: a member with any rows sees and posts only to those.

    Admins and owners always see every account; rows for them are ignored.
    """

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE,
                                   related_name="account_access")
    account = models.ForeignKey(ConnectedAccount, on_delete=models.CASCADE,
                                related_name="member_access")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccountAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("account access")
        verbose_name_plural = _("account access")
        constraints = [
            models.UniqueConstraint(fields=["membership", "account"], name="uniq_account_access"),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} → {self.account_id}"


class PlatformApp(models.Model):
    """A developer app's credentials for one platform (client id/secret), set by admins.

    `organization=None` is installation-wide; an organisation's own app wins over it, and
    both win over the `<PROVIDER>_CLIENT_ID` / `<PROVIDER>_CLIENT_SECRET` environment.
    """

    organization = models.ForeignKey(Organization, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="platform_apps")
    provider = models.CharField(_("platform"), max_length=32)
    client_id = models.CharField(_("client ID"), max_length=500)
    client_secret_encrypted = models.TextField(blank=True, editable=False)
    extra = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey("accounts.User", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("platform app")
        verbose_name_plural = _("platform apps")
        constraints = [
            models.UniqueConstraint(fields=["organization", "provider"],
                                    name="uniq_platform_app_per_org"),
            models.UniqueConstraint(fields=["provider"],
                                    condition=models.Q(organization__isnull=True),
                                    name="uniq_platform_app_installation"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} app"

    def __repr__(self) -> str:
        return f"<PlatformApp {self.pk} {self.provider}>"

    def get_client_secret(self) -> str:
        from lib.crypto import decrypt

        return decrypt(self.client_secret_encrypted)

    def set_client_secret(self, secret: str) -> None:
        from lib.crypto import encrypt

        self.client_secret_encrypted = encrypt(secret)
