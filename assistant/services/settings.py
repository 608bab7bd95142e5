"""An organisation's writing-assistant settings: read, check, change (audited)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import Organization
from accounts.services.errors import ServiceError
from assistant.client import Endpoint, chat_url
from assistant.models import AssistantSettings
from lib import crypto
from lib.netguard import UnsafeURL, safe_public_url

# The fields an admin changes on the settings page, in the order the audit entry lists them.
FIELDS = ("enabled", "base_url", "model", "accepts_images", "limit_kind", "monthly_limit",
          "send_usage_option")


def assistant_settings_for(organization: Organization) -> AssistantSettings:
    """The organisation's settings; an unsaved default row (off) when none was saved yet."""
    found = AssistantSettings.objects.filter(organization=organization).first()
    return found or AssistantSettings(organization=organization)


def assistant_enabled(organization: Organization) -> bool:
    return AssistantSettings.objects.filter(organization=organization, enabled=True).exists()


def check_base_url(url: str) -> str:
    """The address, if the SSRF guard lets us call it; a ServiceError saying why not."""
    cleaned = url.strip().rstrip("/")
    try:
        safe_public_url(chat_url(cleaned))
    except UnsafeURL as exc:  # its message names the setting that allows an own server
        raise ServiceError(str(exc), code="unsafe_url") from None
    return cleaned


def endpoint_of(current: AssistantSettings) -> Endpoint:
    try:
        key = crypto.decrypt(current.api_key_encrypted)
    except crypto.DecryptionFailed:
        raise ServiceError(_("The stored API key cannot be read any more. An admin can "
                             "enter it again under Settings → Writing assistant."),
                           code="key_unreadable") from None
    return Endpoint(base_url=current.base_url, model=current.model, api_key=key)


def usage_option_refused(organization: Organization) -> None:
    """The endpoint refused `stream_options`: stop sending it (usage is then counted in
    requests). Not a person's change, so no audit entry; an admin can turn it on again."""
    AssistantSettings.objects.filter(organization=organization).update(send_usage_option=False)


@transaction.atomic
def assistant_settings_update(*, organization: Organization, actor, enabled: bool,
                              base_url: str, model: str, accepts_images: bool,
                              limit_kind: str, monthly_limit: int, api_key: str = "",
                              remove_api_key: bool = False, send_usage_option: bool = True,
                              request=None) -> AssistantSettings:
    """Save what changed. Turning it on needs an address and a model; the address passes
    the SSRF guard. The API key is only replaced when a new one is given."""
    base_url, model = base_url.strip(), model.strip()
    if enabled and not (base_url and model):
        raise ServiceError(_("Enter the endpoint address and the model before turning the "
                             "assistant on."), code="incomplete")
    if base_url:
        base_url = check_base_url(base_url)
    current, _created = AssistantSettings.objects.select_for_update().get_or_create(
        organization=organization)
    was_enabled = current.enabled
    changed = []
    values = {"enabled": enabled, "base_url": base_url, "model": model,
              "accepts_images": accepts_images, "limit_kind": limit_kind,
              "monthly_limit": monthly_limit, "send_usage_option": send_usage_option}
    for name in FIELDS:
        if getattr(current, name) != values[name]:
            changed.append(name)
            setattr(current, name, values[name])
    if api_key.strip():
        current.api_key_encrypted = crypto.encrypt(api_key.strip())
        changed.append("api_key")
    elif remove_api_key and current.api_key_encrypted:
        current.api_key_encrypted = ""
        changed.append("api_key_removed")
    if not changed:
        return current
    current.save()
    if enabled != was_enabled:
        verb = "assistant.settings.enabled" if enabled else "assistant.settings.disabled"
    else:
        verb = "assistant.settings.changed"
    # The key itself never goes into the log; only that it changed.
    details = {"fields": changed}
    if "base_url" in changed:
        details["base_url"] = base_url
    if "model" in changed:
        details["model"] = model
    audit_record(organization=organization, actor=actor, verb=verb, target=current,
                 details=details, request=request)
    return current
