"""Developer-app credentials per platform: set by admins (stored encrypted) or from the env."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import Organization, PlatformApp
from accounts.services.errors import ServiceError
from lib.env import env_str


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: str
    extra: dict = field(default_factory=dict)
    source: str = "env"  # "organization" | "installation" | "env"

    def __repr__(self) -> str:  # the secret never reaches a log or traceback
        return f"Credentials(client_id={self.client_id!r}, source={self.source!r})"


def platform_credentials(provider_key: str, organization: Organization | None = None
                         ) -> Credentials | None:
    """The client id/secret a connector should use, or None when none is configured.

    The organisation's own app wins, then the installation-wide app an admin saved,
    then the environment (`<PROVIDER>_CLIENT_ID`, `<PROVIDER>_CLIENT_SECRET`).
    """
    apps = PlatformApp.objects.filter(provider=provider_key)
    candidates = []
    if organization is not None:
        candidates.append((apps.filter(organization=organization).first(), "organization"))
    candidates.append((apps.filter(organization__isnull=True).first(), "installation"))
    for app, source in candidates:
        if app is not None and app.client_id:
            return Credentials(app.client_id, app.get_client_secret(), dict(app.extra), source)
    prefix = provider_key.upper()
    client_id = env_str(f"{prefix}_CLIENT_ID")
    if client_id:
        return Credentials(client_id, env_str(f"{prefix}_CLIENT_SECRET") or "", {}, "env")
    return None


@transaction.atomic
def platform_app_save(*, organization: Organization | None, provider_key: str, client_id: str,
                      client_secret: str, actor, extra: dict | None = None,
                      request=None) -> PlatformApp:
    """Create or update the app; a blank secret keeps the stored one (forms never echo it)."""
    client_id = client_id.strip()
    if not client_id:
        raise ServiceError(_("Enter the client ID of the app."))
    app, created = PlatformApp.objects.select_for_update().get_or_create(
        organization=organization, provider=provider_key, defaults={"client_id": client_id})
    app.client_id = client_id
    if client_secret.strip():
        app.set_client_secret(client_secret.strip())
    elif created:
        app.client_secret_encrypted = ""
    if extra is not None:
        app.extra = extra
    app.updated_by = actor if getattr(actor, "pk", None) else None
    app.save()
    if organization is not None:
        audit_record(organization=organization, actor=actor,
                     verb="accounts.platform_app.saved", target=app,
                     details={"provider": provider_key, "secret_changed": bool(client_secret)},
                     request=request)
    return app


@transaction.atomic
def platform_app_delete(*, organization: Organization, provider_key: str, actor,
                        request=None) -> None:
    deleted, _detail = PlatformApp.objects.filter(organization=organization,
                                                  provider=provider_key).delete()
    if deleted:
        audit_record(organization=organization, actor=actor,
                     verb="accounts.platform_app.deleted", details={"provider": provider_key},
                     request=request)
