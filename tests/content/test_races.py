"""Fail-closed under races, on real PostgreSQL with concurrent threads (own connections)."""

import threading

import pytest
from django.db import connection

from accounts.services.errors import ServiceError
from content.models import Post
from content.services.posts import PostData, post_update
from content.services.workflow import post_approve, post_schedule, post_submit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*calls):
    """Start all calls at once; return their results or raised ServiceErrors."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except ServiceError as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_edit_racing_schedule_never_leaves_unapproved_content_scheduled(
        org, make_post, member_of, future):
    org.approval_required = True
    org.save()
    editor, approver = member_of("editor"), member_of("approver")
    for round_ in range(8):
        post = make_post(author=editor, text=f"Approved text {round_}")
        post_submit(post=post, actor=editor)
        post_approve(post=post, actor=approver)  # no time yet → approved
        post.refresh_from_db()
        assert post.status == "approved"
        accounts = list(post.targets.values_list("account_id", flat=True))
        data = PostData(text=f"Sneaky edit {round_}", account_ids=accounts)
        run_together(
            lambda p=post, d=data: post_update(post=Post.objects.get(pk=p.pk), actor=editor,
                                               data=d, expected_version=p.version),
            lambda p=post: post_schedule(post=Post.objects.get(pk=p.pk), actor=editor,
                                         scheduled_at=future),
        )
        post.refresh_from_db()
        statuses = set(post.targets.values_list("status", flat=True))
        if "scheduled" in statuses:
            assert post.status == "scheduled"
            assert post.approved_content_hash == post.content_hash(), \
                "scheduled content differs from what was approved"
        else:
            assert post.status == "pending_approval"
            assert post.text.startswith("Sneaky edit")


def test_two_approvers_at_once_record_one_decision_per_step(org, make_post, member_of, future):
    org.approval_required = True
    org.save()
    editor = member_of("editor")
    first, second = member_of("approver"), member_of("approver")
    post = make_post(author=editor, scheduled_at=future)
    post_submit(post=post, actor=editor)
    results = run_together(
        lambda: post_approve(post=Post.objects.get(pk=post.pk), actor=first),
        lambda: post_approve(post=Post.objects.get(pk=post.pk), actor=second),
    )
    assert sum(isinstance(r, ServiceError) for r in results) == 1
    post.refresh_from_db()
    assert post.status == "scheduled"
    assert post.approvals.filter(decision="approved").count() == 1
