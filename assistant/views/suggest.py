"""The assistant's suggestions, streamed to the page as server-sent events.

Each answer is `text/event-stream`: `event: delta` lines with text as the model writes it,
then one `event: done` (the cleaned text and, per account, whether it fits by our own
counters) or one `event: error` with a message to show. Anything refused before the
model is asked (off, limit reached, bad input) is a JSON `{"error": …}` with a 4xx status.
static/js/assistant.js reads both.
"""

from __future__ import annotations

import json

from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from accounts.models import ConnectedAccount
from accounts.selectors import accounts_for_member
from accounts.services.errors import ServiceError
from accounts.tenancy import org_view
from assistant.services.suggest import (
    alt_text_job,
    composer_job,
    ready_settings,
    reply_job,
    suggestion_events,
)
from content.models import MediaAsset
from inbox.models import SavedReply
from inbox.selectors import item_for_org

STATUS = {"off": 403, "limit": 429, "no_images": 409, "key_unreadable": 409}


def _refused(exc: ServiceError) -> JsonResponse:
    return JsonResponse({"error": exc.message, "code": exc.code},
                        status=STATUS.get(exc.code, 400))


def _sse(events) -> StreamingHttpResponse:
    def lines():
        for event in events:
            name = event.pop("event")
            yield f"event: {name}\ndata: {json.dumps(event, ensure_ascii=False)}\n\n"

    response = StreamingHttpResponse(lines(), content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


def _accounts(request) -> list[ConnectedAccount]:
    """The posted accounts; one the member may not use (or another organisation's) is 404."""
    ids = {int(v) for v in request.POST.getlist("accounts") if v.isdigit()}
    if not ids:
        return []
    found = list(accounts_for_member(request.membership).filter(pk__in=ids))
    if len(found) != len(ids):
        raise Http404
    return found


def _run(request, make_job):
    org = request.organization
    try:
        current = ready_settings(org)
        job = make_job(current)
        events = suggestion_events(job, organization=org, current=current)
    except ServiceError as exc:
        return _refused(exc)
    return _sse(events)


@org_view("assistant.use")
@require_POST
def composer_suggestion(request):
    """Variants, shortening, translation, tone and hashtags for the composer's draft."""
    accounts = _accounts(request)
    return _run(request, lambda current: composer_job(
        action=request.POST.get("action", ""), text=request.POST.get("text", ""),
        accounts=accounts, tone=request.POST.get("tone", ""),
        language=request.POST.get("language", "")))


@org_view("assistant.use")
@require_POST
def reply_suggestion(request, pk: int):
    """A reply to an inbox conversation, drawing on the organisation's saved replies."""
    item = item_for_org(request.organization, pk, membership=request.membership)
    saved = list(SavedReply.objects.for_org(request.organization))
    return _run(request, lambda current: reply_job(item, saved))


@org_view("assistant.use")
@require_POST
def alt_text_suggestion(request, pk: int):
    """Alt text for an image of the media library (models that accept images only)."""
    asset = get_object_or_404(MediaAsset.objects.for_org(request.organization), pk=pk)
    language = (get_language() or "en")[:2]
    return _run(request, lambda current: alt_text_job(asset, current=current,
                                                      language=language))
