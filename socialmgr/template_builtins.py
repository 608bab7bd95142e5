"""Tags and filters every template has without `{% load %}` (TEMPLATES "builtins")."""

from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.utils.html import format_html

from lib.weburl import http_url as _http_url

register = template.Library()


@register.filter
def http_url(value) -> str:
    """A platform-supplied URL for an `href`/`src`: the URL when it is absolute http(s),
    else "" (so `{% if %}` around the link leaves it out)."""
    return _http_url(value)


@register.filter
def no_web_view(account) -> str:
    """Why the account's posts have no web page to link to ("" when they have one): said
    where the "View" link would be, instead of linking somewhere the post is not."""
    from platforms.registry import UnknownProvider, get_provider

    try:
        return get_provider(account.provider).no_web_view(account)
    except (UnknownProvider, AttributeError):
        return ""


@lru_cache(maxsize=512)
def _icon(name: str) -> str:
    # The trailing newline is the one the former includes/icon.html ended with (markup and
    # spacing between an icon and its text stay exactly as they were).
    return format_html('<svg class="icon" aria-hidden="true" focusable="false">'
                       '<use href="{}#{}"></use></svg>\n',
                       static("vendor/lucide/sprite.svg"), name)


@register.simple_tag
def icon(name: str) -> str:
    """`{% icon "bell" %}`: a Lucide icon from the sprite, decorative (the text beside it
    says what it means). Built once per name and process: pages show 20–40 of them."""
    return _icon(str(name))


@receiver(setting_changed, dispatch_uid="template-builtins-icon-cache")
def _static_changed(setting, **kwargs) -> None:
    if setting in ("STATIC_URL", "STORAGES", "STATICFILES_STORAGE"):
        _icon.cache_clear()
