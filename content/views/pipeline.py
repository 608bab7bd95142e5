"""The operations page and people's decisions about deliveries (retry, unconfirmed)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.services.errors import ServiceError
from accounts.tenancy import org_view
from content.pipeline.decisions import (
    target_confirm_published,
    target_publish_again,
    target_retry,
)
from content.pipeline.selectors import operations_overview, targets_for
from content.pipeline.watchdog import scheduler_check

SECTION_TITLES = {
    "unconfirmed": gettext_lazy("Needs checking"),
    "failed": gettext_lazy("Failed"),
    "paused": gettext_lazy("Paused"),
    "publishing": gettext_lazy("Publishing"),
    "retrying": gettext_lazy("Retrying"),
    "queued": gettext_lazy("Queued (next 24 hours)"),
}


@org_view("ops.view")
def operations(request):
    sections = operations_overview(request.organization)
    for section in sections:
        section["title"] = str(SECTION_TITLES[section["key"]])
    return render(request, "content/operations.html", {
        "sections": sections, "problems": scheduler_check(),
    })


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("operations", org_slug=request.organization.slug)


def _decide(request, pk: int, action, success: str, **kwargs):
    target = get_object_or_404(targets_for(request.organization), pk=pk)
    try:
        action(target=target, actor=request.user, **kwargs)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return _back(request)


@org_view("post.edit")
@require_POST
def target_retry_view(request, pk: int):
    return _decide(request, pk, target_retry, _("The post is being published again."))


@org_view("post.edit")
@require_POST
def target_confirm_view(request, pk: int):
    return _decide(request, pk, target_confirm_published, _("Marked as published."),
                   url=request.POST.get("url", ""))


@org_view("post.edit")
@require_POST
def target_publish_again_view(request, pk: int):
    return _decide(request, pk, target_publish_again, _("The post is being published again."))
