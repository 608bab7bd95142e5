"""Helpers shared by the connected-accounts views."""

from __future__ import annotations

import inspect
import logging

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from accounts.models import ConnectedAccount
from platforms.registry import UnknownProvider, enabled_keys, get_provider

logger = logging.getLogger(__name__)


def provider_or_404(key: str):
    """The provider for `key`; 404 when unknown or switched off (`<KEY>_ENABLED=false`)."""
    try:
        return get_provider(key)
    except (UnknownProvider, ImportError):
        raise Http404 from None


def available_providers() -> list:
    """Enabled providers whose module loads (a broken connector must not break the page)."""
    found = []
    for key in enabled_keys():
        try:
            found.append(get_provider(key))
        except ImportError as exc:
            logger.warning("provider %s is enabled but cannot be imported: %s", key, exc)
    return found


def redirect_uri(provider_key: str) -> str:
    """This installation's exact OAuth redirect URI for a platform (the same for every org)."""
    return settings.SITE_URL + reverse("connect_callback", kwargs={"provider_key": provider_key})


def call_provider(method, **kwargs):
    """Call a provider method, passing `organization` only when the method accepts it."""
    params = inspect.signature(method).parameters
    if "organization" not in params and not any(
            p.kind is p.VAR_KEYWORD for p in params.values()):
        kwargs.pop("organization", None)
    return method(**kwargs)


def account_or_404(request, pk: int) -> ConnectedAccount:
    return get_object_or_404(ConnectedAccount.objects.for_org(request.organization).connected(),
                             pk=pk)


def logo_path(provider_key: str) -> str:
    path = settings.BASE_DIR / "static" / "vendor" / "simple-icons" / f"{provider_key}.svg"
    return f"vendor/simple-icons/{provider_key}.svg" if path.exists() else ""
