"""Moving posts through review and scheduling.

Fail-closed: where the organisation requires approval, nothing unapproved is
scheduled or published. The check runs here — the one place the UI, the calendar
and the API all call — and again inside the transaction with the post row locked,
so a concurrent edit cannot slip between check and schedule.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import role_allows
from accounts.services.errors import ServiceError
from content.models import CommentKind, Decision, Post, PostApproval, PostComment
from content.services.access import (
    STALE_LINK,
    Forbidden,
    approval_valid,
    holds_step,
    link_fits,
    open_step,
    require,
    steps_for,
)
from content.services.notifications import approvers_of, notify
from content.services.transitions import post_transition, require_action, target_transition
from content.services.validation import ensure_publishable
from content.workflows import Action, PostState, TargetState


def _lock(post: Post) -> Post:
    return Post.objects.select_for_update().select_related("organization").get(pk=post.pk)


def post_submit(*, post: Post, actor) -> Post:
    """Ask for approval: opens a new approval round and tells the approvers."""
    require(actor, post.organization, "post.submit")
    with transaction.atomic():
        locked = _lock(post)
        require_action(locked, Action.SUBMIT)
        if locked.status not in (PostState.DRAFT, PostState.CHANGES):
            raise ServiceError(_("Only drafts can be submitted for approval."), code="state")
        ensure_publishable(locked)
        post_transition(locked, PostState.PENDING, actor=actor, reason="submitted",
                        approval_round=locked.approval_round + 1, approved_content_hash="")
        notify(post=locked, verb="content.post.submitted", actor=actor,
               recipients=approvers_of(locked))
    return locked


def post_approve(*, post: Post, actor, comment: str = "",
                 scheduled_at: dt.datetime | None = None, review_link=None,
                 reviewer_name: str = "") -> Post:
    """Approve the post's open step. When every step is approved the post is approved,
    and scheduled at once if it has a planned time still in the future. A planned time
    that has passed is never used: the post stays approved (overdue) until given a new time.
    """
    with transaction.atomic():
        locked = _lock(post)
        if review_link is None:
            membership = require(actor, locked.organization, "post.edit")
        if locked.status != PostState.PENDING:
            raise ServiceError(_("This post is not waiting for approval."), code="state")
        require_action(locked, Action.APPROVE)
        steps = steps_for(locked.organization)
        remaining, step = open_step(locked, steps)
        if review_link is None and not holds_step(membership, step):
            raise Forbidden(_("This approval step is not yours to decide."))
        if review_link is not None and not link_fits(review_link, locked, step):
            raise ServiceError(str(STALE_LINK), code="step")
        content_hash = locked.content_hash()
        PostApproval.objects.create(
            post=locked, step=step, round=locked.approval_round, decided_by=actor,
            review_link=review_link, reviewer_name=reviewer_name, decision=Decision.APPROVED,
            comment=comment, content_hash=content_hash)
        if comment.strip():
            PostComment.objects.create(post=locked, author=actor, author_name=reviewer_name,
                                       kind=CommentKind.APPROVED, body=comment.strip())
        remaining, _next = open_step(locked, steps)
        if not remaining:
            post_transition(locked, PostState.APPROVED, actor=actor,
                            reason=f"approved by {reviewer_name}" if reviewer_name else "",
                            approved_content_hash=content_hash,
                            details={"step": step.name if step else ""})
        else:
            from accounts.audit import audit_record

            audit_record(organization=locked.organization, actor=actor,
                         verb="content.post.step_approved", target=locked,
                         details={"step": step.name if step else "", "by": reviewer_name})
        notify(post=locked, verb="content.post.approved", actor=actor or reviewer_name,
               recipients=[locked.author])
        when = scheduled_at or locked.scheduled_at
        if not remaining and when and when > timezone.now():
            _schedule_locked(locked, actor, when, approved=True)
    return locked


def post_request_changes(*, post: Post, actor, comment: str, review_link=None,
                         reviewer_name: str = "") -> Post:
    if not comment or not comment.strip():
        raise ServiceError(_("Say what should change: a comment is required."),
                           code="comment_required")
    with transaction.atomic():
        locked = _lock(post)
        if review_link is None:
            membership = require(actor, locked.organization, "post.edit")
        if locked.status != PostState.PENDING:
            raise ServiceError(_("This post is not waiting for approval."), code="state")
        require_action(locked, Action.REQUEST_CHANGES)
        _remaining, step = open_step(locked, steps_for(locked.organization))
        if review_link is None and not holds_step(membership, step):
            raise Forbidden(_("This approval step is not yours to decide."))
        if review_link is not None and not link_fits(review_link, locked, step):
            raise ServiceError(str(STALE_LINK), code="step")
        PostApproval.objects.create(
            post=locked, step=step, round=locked.approval_round, decided_by=actor,
            review_link=review_link, reviewer_name=reviewer_name, decision=Decision.CHANGES,
            comment=comment.strip(), content_hash=locked.content_hash())
        PostComment.objects.create(post=locked, author=actor, author_name=reviewer_name,
                                   kind=CommentKind.CHANGES, body=comment.strip())
        post_transition(locked, PostState.CHANGES, actor=actor, reason=comment.strip()[:200])
        notify(post=locked, verb="content.post.changes_requested",
               actor=actor or reviewer_name, recipients=[locked.author])
    return locked


def _may_skip_review(membership, post: Post) -> bool:
    """Approvers may schedule a draft directly when the organisation has no named steps
    (their scheduling is the approval); with steps, the steps must be followed."""
    return role_allows(membership.role, "post.approve") and not steps_for(post.organization)


def _schedule_locked(post: Post, actor, when: dt.datetime, *, approved: bool = False) -> None:
    """Schedule a locked post and its targets (the caller checked everything)."""
    ensure_publishable(post)
    post_transition(post, PostState.SCHEDULED, actor=actor, scheduled_at=when)
    for target in post.targets.select_for_update().select_related("post__organization"):
        if target.status in (TargetState.PENDING, TargetState.FAILED, TargetState.PAUSED):
            target_transition(target, TargetState.SCHEDULED, actor=actor, audit=False,
                              next_attempt_at=when, last_error="", last_error_code="")
        elif target.status == TargetState.SCHEDULED:
            type(target).objects.filter(pk=target.pk, status=TargetState.SCHEDULED).update(
                next_attempt_at=when)


def post_schedule(*, post: Post, actor, scheduled_at: dt.datetime | None = None,
                  now: bool = False) -> Post:
    """Schedule (or reschedule) the post. `now=True` makes its targets due immediately;
    the publishing dispatcher then publishes them — there is no second code path."""
    organization = post.organization
    membership = require(actor, organization, "post.edit")
    if now and not role_allows(membership.role, "post.publish") \
            and organization.approval_required:
        raise Forbidden()
    when = timezone.now() if now else (scheduled_at or post.scheduled_at)
    if when is None:
        raise ServiceError(_("Choose a date and time."), code="no_time")
    if not now and when <= timezone.now():
        raise ServiceError(_("Choose a time in the future."), code="past")
    with transaction.atomic():
        locked = _lock(post)
        org = locked.organization
        if now:
            require_action(locked, Action.PUBLISH_NOW)
        elif locked.status == PostState.SCHEDULED:
            require_action(locked, Action.RESCHEDULE)
        elif locked.status in (PostState.DRAFT, PostState.APPROVED):
            require_action(locked, Action.SCHEDULE)
        if locked.status == PostState.SCHEDULED:
            if org.approval_required and not approval_valid(locked):
                raise ServiceError(_("This post needs approval first."), code="not_approved")
            Post.objects.filter(pk=locked.pk).update(scheduled_at=when)
            locked.scheduled_at = when
            _schedule_targets_only(locked, actor, when)
            from accounts.audit import audit_record

            audit_record(organization=org, actor=actor, verb="content.post.rescheduled",
                         target=locked, details={"at": when.isoformat(), "now": now})
            return locked
        if locked.status == PostState.APPROVED:
            if not approval_valid(locked):
                raise ServiceError(_("This post changed after it was approved; "
                                     "it needs approval again."), code="not_approved")
        elif locked.status == PostState.DRAFT:
            if org.approval_required and not _may_skip_review(membership, locked):
                raise ServiceError(_("Approval is required: submit the post for approval."),
                                   code="not_approved")
            if org.approval_required:
                _record_self_approval(locked, actor)
        elif locked.status in (PostState.PENDING, PostState.CHANGES):
            raise ServiceError(_("This post needs approval first."), code="not_approved")
        else:
            raise ServiceError(_("This post cannot be scheduled."), code="state")
        _schedule_locked(locked, actor, when)
    return locked


def _schedule_targets_only(post: Post, actor, when) -> None:
    for target in post.targets.select_for_update():
        if target.status == TargetState.PUBLISHING:
            raise ServiceError(_("This post is being published right now."), code="busy")
        if target.status == TargetState.SCHEDULED:
            type(target).objects.filter(pk=target.pk, status=TargetState.SCHEDULED).update(
                next_attempt_at=when)
        elif target.status in (TargetState.PENDING, TargetState.FAILED, TargetState.PAUSED):
            target_transition(target, TargetState.SCHEDULED, actor=actor, audit=False,
                              next_attempt_at=when)


def _record_self_approval(post: Post, actor) -> None:
    """An approver scheduling a draft approves it: recorded so the history says so."""
    content_hash = post.content_hash()
    round_ = post.approval_round + 1
    PostApproval.objects.create(post=post, step=None, round=round_, decided_by=actor,
                                decision=Decision.APPROVED, content_hash=content_hash)
    Post.objects.filter(pk=post.pk).update(approval_round=round_,
                                           approved_content_hash=content_hash)
    post.approval_round, post.approved_content_hash = round_, content_hash


def post_publish_now(*, post: Post, actor) -> Post:
    return post_schedule(post=post, actor=actor, now=True)


def post_unschedule(*, post: Post, actor) -> Post:
    """Take a scheduled post off the schedule (back to approved, or draft without approval)."""
    require(actor, post.organization, "post.edit")
    with transaction.atomic():
        locked = _lock(post)
        if locked.status != PostState.SCHEDULED:
            raise ServiceError(_("This post is not scheduled."), code="state")
        require_action(locked, Action.UNSCHEDULE)
        _targets_to(locked, actor, TargetState.PENDING, next_attempt_at=None)
        to = PostState.APPROVED if approval_valid(locked) else PostState.DRAFT
        post_transition(locked, to, actor=actor, reason="unscheduled")
    return locked


def post_cancel(*, post: Post, actor, reason: str = "") -> Post:
    require(actor, post.organization, "post.edit")
    with transaction.atomic():
        locked = _lock(post)
        if locked.status in (PostState.CANCELLED, PostState.ARCHIVED):
            raise ServiceError(_("This post is already cancelled."), code="state")
        require_action(locked, Action.CANCEL)
        _targets_to(locked, actor, TargetState.CANCELLED)
        post_transition(locked, PostState.CANCELLED, actor=actor, reason=reason)
    return locked


def _targets_to(post: Post, actor, to: str, **fields) -> None:
    """Move the targets not yet out; refused while one is being published (row locked)."""
    targets = list(post.targets.select_for_update().select_related("post__organization"))
    if any(t.status == TargetState.PUBLISHING for t in targets):
        raise ServiceError(_("This post is being published right now; try again in a moment."),
                           code="busy")
    for target in targets:
        if target.status in (TargetState.PENDING, TargetState.SCHEDULED, TargetState.FAILED,
                             TargetState.PAUSED) and target.status != to:
            target_transition(target, to, actor=actor, audit=False, **fields)


def post_comment_add(*, post: Post, actor, body: str, parent: PostComment | None = None):
    require(actor, post.organization, "post.view")
    if not body or not body.strip():
        raise ServiceError(_("Write a comment first."), code="empty")
    if parent is not None and parent.post_id != post.pk:
        raise ServiceError(_("You can only reply within the same post."), code="parent")
    with transaction.atomic():
        comment = PostComment.objects.create(post=post, author=actor, parent=parent,
                                             body=body.strip())
        recipients = [post.author, *approvers_of(post)] if post.status == PostState.PENDING \
            else [post.author]
        notify(post=post, verb="content.post.commented", actor=actor, recipients=recipients)
    return comment
