"""Template filters every template has without `{% load %}` (TEMPLATES "builtins")."""

from django import template

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
