"""JSON errors for every address under /api/, also those no API view answers.

Django answers an unknown address with its HTML 404 page (in development the debug
page), and an unexpected error with the HTML 500 page; an API client cannot read
either. The catch-all below ends the /api/ URL patterns, and the error handlers answer
JSON for /api/ addresses and keep the HTML pages everywhere else.
"""

from __future__ import annotations

from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions

API_PREFIX = "/api/"


def _not_found() -> JsonResponse:
    return JsonResponse({"detail": str(exceptions.NotFound.default_detail),
                         "code": "not_found"}, status=404)


def _resolves_elsewhere(path: str) -> bool:
    try:
        return resolve(path).func is not api_not_found
    except Resolver404:
        return False


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Any method, any address under /api/ that no API view answers: a JSON 404."""
    path = request.path_info
    # What APPEND_SLASH did before this catch-all existed (it redirects only where the
    # address with a slash is a real one, and only for reads: a redirect loses a body).
    if request.method in ("GET", "HEAD") and not path.endswith("/") \
            and _resolves_elsewhere(path + "/"):
        return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return _not_found()


def page_not_found(request, exception=None):
    if request.path_info.startswith(API_PREFIX):
        return _not_found()
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": _("Something went wrong on our side. It was logged; "
                                         "please try again later."),
                             "code": "server_error"}, status=500)
    return defaults.server_error(request)
