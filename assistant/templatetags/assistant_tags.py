"""The assistant's panels on pages of other apps (the composer, an inbox conversation, a
file of the media library):
shown only when the organisation turned the assistant on and the member may use it."""

from urllib.parse import urlsplit

from django import template
from django.urls import reverse
from django.utils.translation import get_language

from assistant.prompts import LANGUAGES, TONES
from assistant.services.settings import assistant_settings_for

register = template.Library()


def _usable(context):
    request = context.get("request")
    membership = getattr(request, "membership", None)
    if membership is None or not membership.can("assistant.use"):
        return None
    current = assistant_settings_for(request.organization)
    return current if current.pk and current.enabled else None


@register.inclusion_tag("assistant/_composer_panel.html", takes_context=True)
def assistant_composer_panel(context):
    current = _usable(context)
    organization = context.get("organization")
    alt_url = reverse("assistant_alt_text", kwargs={"org_slug": organization.slug, "pk": 0}) \
        if current and current.accepts_images else ""
    return {"current": current, "organization": organization, "alt_url": alt_url,
            "host": urlsplit(current.base_url).hostname if current else "",
            "tones": [(key, label) for key, (label, _how) in TONES.items()],
            "languages": [(key, label) for key, (label, _name) in LANGUAGES.items()],
            # Most drafts are in the language the person works in: offer the other one.
            "translate_to": "en" if (get_language() or "").startswith("de") else "de"}


@register.inclusion_tag("assistant/_reply_panel.html", takes_context=True)
def assistant_reply_panel(context, item):
    current = _usable(context)
    return {"current": current, "organization": context.get("organization"), "item": item,
            "host": urlsplit(current.base_url).hostname if current else ""}


@register.inclusion_tag("assistant/_media_alt_panel.html", takes_context=True)
def assistant_media_alt_panel(context, asset, target="id_alt_text"):
    """"Suggest alt text" on the media library's edit page: images only, and only when the
    configured model accepts images (the endpoint checks both again)."""
    current = _usable(context)
    if not (current and current.accepts_images
            and (asset.content_type or "").startswith("image/")):
        current = None
    return {"current": current, "organization": context.get("organization"), "asset": asset,
            "target": target, "host": urlsplit(current.base_url).hostname if current else ""}


@register.inclusion_tag("assistant/_assets.html", takes_context=True)
def assistant_assets(context):
    """The assistant's script and styles, for pages whose panels arrive later by htmx
    (htmx runs no script tags of swapped content)."""
    return {"current": _usable(context)}
