"""The pages bench's URLs: the app's own, plus `shell`, an empty page in the signed-in layout.

Only the bench mounts this (override_settings(ROOT_URLCONF=...)); the app never serves it.
The page is what every organisation page costs before its own content: the middleware, the
membership look-up, the context processors and the layout (navigation, menus, banner).
"""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from accounts.tenancy import org_view
from socialmgr.urls import urlpatterns as app_urlpatterns

_template = None


@org_view("org.view")
def shell(request):
    global _template
    if _template is None:  # compiled once, as the cached loader keeps the app's templates
        _template = engines["django"].from_string('{% extends "layouts/app.html" %}')
    return HttpResponse(_template.render({}, request))


urlpatterns = [path("o/<slug:org_slug>/bench-shell/", shell, name="bench_shell"),
               *app_urlpatterns]
