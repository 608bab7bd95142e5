"""After publishing, on one network: retrying a delete, a thread part or a first comment;
editing the post on its platform, or deleting it and posting it again."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.services.errors import ServiceError
from accounts.tenancy import org_view
from content.models import EditStatus, PostTarget, TargetDeletion, TargetPart
from content.pipeline.parts import part_retry
from content.services.deletion import deletion_retry
from content.services.edits import target_delete_and_repost, target_edit
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


def _published_target(request, pk: int, target_pk: int):
    post = get_post(request, pk)  # another organisation's (or a hidden) post is a 404
    target = get_object_or_404(PostTarget.objects.for_org(request.organization)
                               .select_related("account", "post__organization"),
                               pk=target_pk, post=post)
    return post, target


@org_view("post.publish")
@require_POST
def target_edit_view(request, pk: int, target_pk: int):
    """Edit the published post on its platform (Mastodon): text and alt texts."""
    post, target = _published_target(request, pk, target_pk)
    alt_texts = {int(key.removeprefix("alt_")): value for key, value in request.POST.items()
                 if key.startswith("alt_") and key.removeprefix("alt_").isdigit()}
    try:
        edit = target_edit(target=target, actor=request.user, text=request.POST.get("text", ""),
                           alt_texts=alt_texts)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        if edit.status == EditStatus.EDITED:
            messages.success(request, _("Edited on %(account)s.")
                             % {"account": target.account.handle})
        else:
            messages.error(request, edit.last_error)
    return redirect("post_detail", org_slug=request.organization.slug, pk=post.pk)


@org_view("post.edit")
@require_POST
def target_repost_view(request, pk: int, target_pk: int):
    """Where the platform cannot edit: delete it there and open a draft copy to post again."""
    post, target = _published_target(request, pk, target_pk)
    try:
        copy = target_delete_and_repost(target=target, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("post_detail", org_slug=request.organization.slug, pk=post.pk)
    messages.success(request, _("The post is being deleted on %(account)s. Change the copy "
                                "and publish it again.") % {"account": target.account.handle})
    return redirect("post_edit", org_slug=request.organization.slug, pk=copy.pk)
