"""Post page and its actions (each action is one POST calling one service)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.services.errors import ServiceError
from accounts.tenancy import org_view
from content.forms import CommentForm, DecisionForm, ReviewLinkForm, ScheduleForm
from content.models import ClientReviewLink, PostComment
from content.selectors import post_comments, post_history
from content.services import posts as post_services
from content.services import workflow
from content.services.access import can_approve_now
from content.services.deletion import deletable_targets
from content.services.edits import can_edit_on_platform
from content.services.review_links import review_link_create, review_link_revoke
from content.views.common import get_post
from content.workflows import Action, PostState, TargetState


@org_view("post.view")
def post_detail(request, pk: int):
    post = get_post(request, pk, full=True)
    tz = post.timezone
    comments = list(post_comments(post))
    context = {
        "post": post,
        "targets": list(post.targets.all()),
        "history": post_history(post),
        "comments": [c for c in comments if c.parent_id is None],
        "replies": {c.pk: [r for r in comments if r.parent_id == c.pk] for c in comments},
        "can_decide": can_approve_now(request.membership, post),
        "decision_form": DecisionForm(),
        "schedule_form": ScheduleForm(tz_name=tz),
        "comment_form": CommentForm(),
        "review_links": list(post.review_links.all()) if request.membership.can("post.approve")
        else [],
        "review_link_form": ReviewLinkForm(),
        "new_review_url": request.session.pop(f"review_link_{post.pk}", ""),
        # What the buttons offer comes from the one table (content.workflows.ACTIONS).
        "phase": post.phase,
        "actions": post.actions,
        "can_publish_now": Action.PUBLISH_NOW in post.actions and (
            request.membership.can("post.publish")
            or not request.organization.approval_required),
        "deletable": deletable_targets(post),
        "editable_on_platform": {t.pk for t in post.targets.all()
                                 if t.status == TargetState.PUBLISHED and t.remote_id
                                 and can_edit_on_platform(t)},
        "has_published": any(t.status in (TargetState.PUBLISHED, TargetState.DELETED)
                             for t in post.targets.all()),
    }
    return render(request, "content/post_detail.html", context)


def _back(request, post):
    nxt = request.POST.get("next", "")
    if nxt.startswith(f"/o/{request.organization.slug}/"):
        return redirect(nxt)
    return redirect("post_detail", org_slug=request.organization.slug, pk=post.pk)


def _run(request, post, fn, success: str):
    try:
        fn()
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return _back(request, post)


# The plain post actions: one POST each, one service call, one message. The phase table
# (content.workflows.ACTIONS) decides inside the service whether the action is possible.
ACTION_VIEWS = {
    Action.SUBMIT: ("post.submit", lambda request, post: workflow.post_submit(
        post=post, actor=request.user), gettext_lazy("Submitted for approval.")),
    Action.REQUEST_CHANGES: ("post.edit", lambda request, post: workflow.post_request_changes(
        post=post, actor=request.user, comment=request.POST.get("comment", "")),
        gettext_lazy("Changes requested.")),
    Action.PUBLISH_NOW: ("post.edit", lambda request, post: workflow.post_publish_now(
        post=post, actor=request.user),
        gettext_lazy("Publishing now: the post is queued for its accounts.")),
    Action.UNSCHEDULE: ("post.edit", lambda request, post: workflow.post_unschedule(
        post=post, actor=request.user), gettext_lazy("Taken off the schedule.")),
    Action.CANCEL: ("post.edit", lambda request, post: workflow.post_cancel(
        post=post, actor=request.user), gettext_lazy("Cancelled.")),
}


def _action_view(action: str):
    perm, call, success = ACTION_VIEWS[action]

    def view(request, pk: int):
        post = get_post(request, pk)
        return _run(request, post, lambda: call(request, post), str(success))

    view.__name__ = view.__qualname__ = f"post_{action}_view"
    return org_view(perm)(require_POST(view))


post_submit_view = _action_view(Action.SUBMIT)
post_request_changes_view = _action_view(Action.REQUEST_CHANGES)
post_publish_now_view = _action_view(Action.PUBLISH_NOW)
post_unschedule_view = _action_view(Action.UNSCHEDULE)
post_cancel_view = _action_view(Action.CANCEL)


@org_view("post.edit")
@require_POST
def post_approve_view(request, pk: int):
    post = get_post(request, pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")

    def approve():
        result = workflow.post_approve(post=post, actor=request.user, comment=comment)
        if result.status == PostState.APPROVED and result.is_overdue:
            messages.warning(request, _("The planned time has passed. Choose a new time to "
                                        "schedule it."))

    return _run(request, post, approve, _("Approved."))


@org_view("post.edit")
@require_POST
def post_schedule_view(request, pk: int):
    post = get_post(request, pk)
    form = ScheduleForm(request.POST, tz_name=post.timezone)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(request, post)
    return _run(request, post, lambda: workflow.post_schedule(
        post=post, actor=request.user, scheduled_at=form.cleaned_data["scheduled_at"]),
        _("Scheduled."))


@org_view("post.edit")
@require_POST
def post_duplicate_view(request, pk: int):
    post = get_post(request, pk)
    try:
        copy = post_services.post_duplicate(post=post, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _back(request, post)
    messages.success(request, _("Duplicated: this is the copy."))
    return redirect("post_edit", org_slug=request.organization.slug, pk=copy.pk)


@org_view("post.edit")
@require_POST
def post_delete_view(request, pk: int):
    post = get_post(request, pk)
    # The dialog lists the published networks as checkboxes (none ticked: a clear error).
    chosen = None
    if request.POST.get("choose_networks"):
        chosen = [int(v) for v in request.POST.getlist("targets") if v.isdigit()]
    try:
        outcome = post_services.post_delete(post=post, actor=request.user, target_ids=chosen)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _back(request, post)
    if outcome == "deleting":
        messages.success(request, _("Deleting the post on the chosen networks. The result "
                                    "for each network is shown below."))
        return redirect("post_detail", org_slug=request.organization.slug, pk=post.pk)
    if outcome == "archived":
        messages.success(request, _("Archived: the published post stays in the history."))
        return redirect("post_detail", org_slug=request.organization.slug, pk=post.pk)
    messages.success(request, _("Draft deleted."))
    return redirect("approvals", org_slug=request.organization.slug)


@org_view("post.view")
@require_POST
def post_comment_view(request, pk: int):
    post = get_post(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a comment first."))
        return _back(request, post)
    parent = None
    if form.cleaned_data.get("parent"):
        parent = get_object_or_404(PostComment, post=post, pk=form.cleaned_data["parent"])
    return _run(request, post, lambda: workflow.post_comment_add(
        post=post, actor=request.user, body=form.cleaned_data["body"], parent=parent),
        _("Comment added."))


@org_view("post.approve")
@require_POST
def review_link_create_view(request, pk: int):
    post = get_post(request, pk)
    form = ReviewLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the review link details."))
        return _back(request, post)
    try:
        _link, token = review_link_create(post=post, actor=request.user, **form.cleaned_data)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _back(request, post)
    # Shown once on the next page; only its signature is checked later.
    request.session[f"review_link_{post.pk}"] = request.build_absolute_uri(
        reverse("client_review", kwargs={"token": token}))
    messages.success(request, _("Review link created. Copy it now: it is shown only once."))
    return _back(request, post)


@org_view("post.approve")
@require_POST
def review_link_revoke_view(request, pk: int, link_pk: int):
    post = get_post(request, pk)
    link = get_object_or_404(ClientReviewLink, post=post, pk=link_pk)
    return _run(request, post, lambda: review_link_revoke(link=link, actor=request.user),
                _("Review link revoked."))
