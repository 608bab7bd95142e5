"""Template filters every template has without `{% load %}` (TEMPLATES "builtins")."""

from django import template

from lib.weburl import http_url as _http_url

register = template.Library()


@register.filter
def http_url(value) -> str:
    """A platform-supplied URL for an `href`/`src`: the URL when it is absolute http(s),
    else "" (so `{% if %}` around the link leaves it out)."""
    return _http_url(value)
