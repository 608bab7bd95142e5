"""Every role × action through the services, and the approval rules."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.services.errors import ServiceError
from content.models import ApprovalStep, Notification, PostApproval, PostComment
from content.services.transitions import target_transition
from content.services.workflow import (
    post_approve,
    post_cancel,
    post_publish_now,
    post_request_changes,
    post_schedule,
    post_submit,
    post_unschedule,
)

pytestmark = pytest.mark.django_db
ROLES = ["viewer", "editor", "approver", "admin", "owner"]


def submitted(make_post, member_of):
    editor = member_of("editor")
    post = make_post(author=editor)
    post_submit(post=post, actor=editor)
    post.refresh_from_db()
    return post


ACTIONS = {
    # action: (setup, call, allowed roles with approval required)
    "submit": (lambda mp, mo: mp(), lambda p, a, f: post_submit(post=p, actor=a),
               {"editor", "approver", "admin", "owner"}),
    "approve": (submitted, lambda p, a, f: post_approve(post=p, actor=a),
                {"approver", "admin", "owner"}),
    "request_changes": (submitted,
                        lambda p, a, f: post_request_changes(post=p, actor=a, comment="Fix"),
                        {"approver", "admin", "owner"}),
    "schedule_draft": (lambda mp, mo: mp(),
                       lambda p, a, f: post_schedule(post=p, actor=a, scheduled_at=f),
                       {"approver", "admin", "owner"}),
    "publish_now_draft": (lambda mp, mo: mp(), lambda p, a, f: post_publish_now(post=p, actor=a),
                          {"approver", "admin", "owner"}),
    "cancel": (lambda mp, mo: mp(), lambda p, a, f: post_cancel(post=p, actor=a),
               {"editor", "approver", "admin", "owner"}),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_role_by_action_with_approval_required(org, make_post, member_of, future, role,
                                               action):
    org.approval_required = True
    org.save()
    setup, call, allowed = ACTIONS[action]
    post = setup(make_post, member_of)
    before = post.status
    actor = member_of(role)
    if role in allowed:
        call(post, actor, future)
        post.refresh_from_db()
        assert post.status != before
    else:
        with pytest.raises(ServiceError):
            call(post, actor, future)
        post.refresh_from_db()
        assert post.status == before


@pytest.mark.parametrize("role, allowed", [("viewer", False), ("editor", True),
                                           ("approver", True)])
def test_without_approval_required_editors_schedule_directly(make_post, member_of, future,
                                                             role, allowed):
    post = make_post()
    actor = member_of(role)
    if allowed:
        post_schedule(post=post, actor=actor, scheduled_at=future)
        post.refresh_from_db()
        assert post.status == "scheduled"
        assert set(post.targets.values_list("status", flat=True)) == {"scheduled"}
    else:
        with pytest.raises(ServiceError):
            post_schedule(post=post, actor=actor, scheduled_at=future)


def test_editor_cannot_schedule_unapproved_post_when_approval_required(org, make_post,
                                                                       member_of, future):
    org.approval_required = True
    org.save()
    editor = member_of("editor")
    post = make_post(author=editor)
    with pytest.raises(ServiceError) as exc:
        post_schedule(post=post, actor=editor, scheduled_at=future)
    assert exc.value.code == "not_approved"
    post_submit(post=post, actor=editor)
    with pytest.raises(ServiceError):
        post_schedule(post=post, actor=editor, scheduled_at=future)
    post.refresh_from_db()
    assert set(post.targets.values_list("status", flat=True)) == {"pending"}


def test_approved_post_can_be_scheduled_by_its_editor(org, make_post, member_of, future):
    org.approval_required = True
    org.save()
    editor = member_of("editor")
    post = make_post(author=editor)
    post_submit(post=post, actor=editor)
    post_approve(post=post, actor=member_of("approver"))
    post.refresh_from_db()
    assert post.status == "approved"  # no planned time yet
    post_schedule(post=post, actor=editor, scheduled_at=future)
    post.refresh_from_db()
    assert post.status == "scheduled"


def test_approval_steps_in_order_by_named_members_and_roles(org, make_post, member_of, future):
    org.approval_required = True
    org.save()
    legal_person = member_of("editor")
    legal = ApprovalStep.objects.create(organization=org, order=1, name="Legal")
    legal.members.add(legal_person)
    ApprovalStep.objects.create(organization=org, order=2, name="Team lead", role="approver")
    editor, lead = member_of("editor"), member_of("approver")
    post = make_post(author=editor, scheduled_at=future)
    post_submit(post=post, actor=editor)
    with pytest.raises(ServiceError):  # the lead cannot skip legal
        post_approve(post=post, actor=lead)
    post_approve(post=post, actor=legal_person)
    post.refresh_from_db()
    assert post.status == "pending_approval"
    with pytest.raises(ServiceError):  # legal does not hold the lead's step
        post_approve(post=post, actor=legal_person)
    post_approve(post=post, actor=lead, comment="Go")
    post.refresh_from_db()
    assert post.status == "scheduled"
    assert PostApproval.objects.filter(post=post, decision="approved").count() == 2
    with pytest.raises(ServiceError):  # with steps, approvers cannot bypass them
        draft = make_post(author=lead)
        post_schedule(post=draft, actor=lead, scheduled_at=future)


def test_approving_after_the_planned_time_asks_for_a_new_time(org, make_post, member_of):
    org.approval_required = True
    org.save()
    editor = member_of("editor")
    post = make_post(author=editor, scheduled_at=timezone.now() + dt.timedelta(hours=1))
    post_submit(post=post, actor=editor)
    type(post).objects.filter(pk=post.pk).update(
        scheduled_at=timezone.now() - dt.timedelta(minutes=5))
    post.refresh_from_db()
    assert post.is_overdue
    post_approve(post=post, actor=member_of("approver"))
    post.refresh_from_db()
    assert post.status == "approved" and post.is_overdue  # not published, not skipped
    assert set(post.targets.values_list("status", flat=True)) == {"pending"}
    with pytest.raises(ServiceError):
        post_schedule(post=post, actor=editor)  # the old time is in the past


def test_request_changes_needs_a_comment_and_tells_the_author(make_post, member_of):
    editor = member_of("editor")
    post = make_post(author=editor)
    post_submit(post=post, actor=editor)
    approver = member_of("approver")
    with pytest.raises(ServiceError) as exc:
        post_request_changes(post=post, actor=approver, comment="  ")
    assert exc.value.code == "comment_required"
    mail.outbox.clear()
    post_request_changes(post=post, actor=approver, comment="Use the new logo")
    post.refresh_from_db()
    assert post.status == "changes_requested"
    assert PostComment.objects.get(post=post).body == "Use the new logo"
    assert Notification.objects.filter(user=editor, verb="content.post.changes_requested").exists()
    # resubmitting opens a new round
    post_submit(post=post, actor=editor)
    post.refresh_from_db()
    assert post.approval_round == 2


def test_submit_notifies_approvers_in_app_and_by_email(make_post, member_of,
                                                     django_capture_on_commit_callbacks):
    editor = member_of("editor")
    approver = member_of("approver")
    post = make_post(author=editor)
    with django_capture_on_commit_callbacks(execute=True):
        post_submit(post=post, actor=editor)
    assert Notification.objects.filter(user=approver, verb="content.post.submitted").exists()
    assert not Notification.objects.filter(user=editor).exists()
    assert any(approver.email in m.to for m in mail.outbox)


def test_publish_now_makes_targets_due_for_the_dispatcher(make_post, member_of):
    approver = member_of("approver")
    post = make_post(author=approver)
    post_publish_now(post=post, actor=approver)
    due = type(post.targets.first()).objects.due()
    assert set(due.values_list("post_id", flat=True)) == {post.pk}
    assert AuditEntry.objects.filter(verb="content.post.scheduled", target_id=str(post.pk)).exists()


def test_cancel_and_unschedule_are_refused_while_publishing(make_post, member_of, future):
    approver = member_of("approver")
    post = make_post(author=approver)
    post_schedule(post=post, actor=approver, scheduled_at=future)
    target = post.targets.first()
    target_transition(target, "publishing")
    for action in (post_cancel, post_unschedule):
        with pytest.raises(ServiceError) as exc:
            action(post=post, actor=approver)
        assert exc.value.code == "busy"
    post.refresh_from_db()
    assert post.status == "scheduled"


def test_unschedule_returns_targets_to_pending(make_post, member_of, future):
    approver = member_of("approver")
    post = make_post(author=approver)
    post_schedule(post=post, actor=approver, scheduled_at=future)
    post_unschedule(post=post, actor=approver)
    post.refresh_from_db()
    assert post.status == "draft"
    assert set(post.targets.values_list("status", flat=True)) == {"pending"}


def test_editing_during_review_restarts_the_steps(org, make_post, member_of):
    from content.services.posts import PostData, post_update

    org.approval_required = True
    org.save()
    legal_person = member_of("editor")
    legal = ApprovalStep.objects.create(organization=org, order=1, name="Legal")
    legal.members.add(legal_person)
    ApprovalStep.objects.create(organization=org, order=2, name="Lead", role="approver")
    editor = member_of("editor")
    post = make_post(author=editor)
    post_submit(post=post, actor=editor)
    post_approve(post=post, actor=legal_person)
    post.refresh_from_db()
    accounts = list(post.targets.values_list("account_id", flat=True))
    post_update(post=post, actor=editor, data=PostData(text="Changed", account_ids=accounts),
                expected_version=post.version)
    post.refresh_from_db()
    with pytest.raises(ServiceError):  # legal must look again before the lead
        post_approve(post=post, actor=member_of("approver"))
