"""Remote avatars through this server, only when the organisation allows it.

Browsers never contact the platforms (privacy; CSP img-src stays 'self'). The fetch is
SSRF-guarded, capped in size, limited to raster image types and cached briefly.
"""

import hashlib

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from accounts.tenancy import org_view
from inbox.selectors import inbox_settings_for, item_for_org
from lib.netguard import UnsafeURL, guarded_get

MAX_BYTES = 512 * 1024
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}  # no SVG: it can script
CACHE_SECONDS = 3600


@org_view("inbox.view")
@require_GET
def avatar(request, pk: int):
    item = item_for_org(request.organization, pk, membership=request.membership)
    if not item.author_avatar_url or not inbox_settings_for(
            request.organization).allow_remote_media:
        raise Http404
    key = "inbox:avatar:" + hashlib.sha256(item.author_avatar_url.encode()).hexdigest()
    cached = cache.get(key)
    if cached is None:
        cached = _fetch(item.author_avatar_url)
        cache.set(key, cached, CACHE_SECONDS if cached else 300)
    if not cached:
        raise Http404
    content_type, body = cached
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = f"private, max-age={CACHE_SECONDS}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _fetch(url: str) -> tuple[str, bytes] | tuple[()]:
    import requests

    try:
        answer = guarded_get(url, max_bytes=MAX_BYTES, timeout=(3, 5))
    except (UnsafeURL, requests.RequestException):
        return ()
    content_type = answer.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if answer.status_code != 200 or content_type not in IMAGE_TYPES:
        return ()
    return content_type, answer.content
