"""Retrying what failed after publishing on one network: a delete, a thread part, a first
comment."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.services.errors import ServiceError
from accounts.tenancy import org_view
from content.models import TargetDeletion, TargetPart
from content.pipeline.parts import part_retry
from content.services.deletion import deletion_retry
from content.views.common import get_post


@org_view("post.edit")
@require_POST
def deletion_retry_view(request, pk: int, deletion_pk: int):
    post = get_post(request, pk)  # another organisation's (or a hidden) post is a 404
    deletion = get_object_or_404(TargetDeletion.objects.for_org(request.organization)
                                 .select_related("target__account", "target__post"),
                                 pk=deletion_pk, target__post=post)
    try:
        deletion_retry(deletion=deletion, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Trying the delete on %(account)s again.")
                         % {"account": deletion.target.account.handle})
    return redirect("post_detail", org_slug=request.organization.slug, pk=post.pk)


@org_view("post.edit")
@require_POST
def part_retry_view(request, pk: int, part_pk: int):
    """Send a failed thread part or first comment again (the parts before it stay as they
    are)."""
    post = get_post(request, pk)  # another organisation's (or a hidden) post is a 404
    part = get_object_or_404(TargetPart.objects.for_org(request.organization)
                             .select_related("target__account", "target__post"),
                             pk=part_pk, target__post=post)
    try:
        part_retry(part=part, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Sending it to %(account)s again.")
                         % {"account": part.target.account.handle})
    return redirect("post_detail", org_slug=request.organization.slug, pk=post.pk)
