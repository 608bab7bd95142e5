"""The pipeline one deterministic step at a time, against a real sandbox server."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from content.models import Notification, PostTarget
from content.services.workflow import post_cancel, post_schedule
from sandbox.control import ROUTE_STATUSES

pytestmark = pytest.mark.django_db


def only_target(post) -> PostTarget:
    return PostTarget.objects.get(post=post)


def test_publish_now_goes_out_once_through_the_dispatcher(make_scheduled, tick, sandbox):
    post = make_scheduled("Launch day!")
    target = only_target(post)
    assert target.status == "scheduled"  # publish now only makes it due
    assert tick() == {target.pk: "published"}
    target.refresh_from_db()
    assert target.remote_id and target.remote_url.startswith("http")
    assert target.published_at is not None and target.lease_expires_at is None
    assert sandbox.created_count(str(target.idempotency_key)) == 1
    assert post.delivery_status == "published"
    assert tick() == {}  # nothing left to do


def test_a_future_post_waits_and_a_reschedule_takes_effect_at_once(make_scheduled, tick,
                                                                   approver, sandbox):
    soon = timezone.now() + dt.timedelta(minutes=5)
    post = make_scheduled(at=soon)
    assert tick() == {}
    post_schedule(post=post, actor=approver, scheduled_at=soon + dt.timedelta(hours=1))
    assert tick(after=6 * 60) == {}  # the old time no longer publishes anything
    assert sandbox.stats()["statuses"]["created"] == 0
    assert list(tick(after=66 * 60).values()) == ["published"]


def test_a_cancelled_post_is_never_published(make_scheduled, tick, approver, sandbox):
    post = make_scheduled()
    post_cancel(post=post, actor=approver)
    assert tick() == {}
    assert only_target(post).status == "cancelled"
    assert sandbox.stats()["statuses"]["created"] == 0


def test_a_5xx_is_retried_later_after_reconciling(make_scheduled, tick, sandbox):
    post = make_scheduled()
    sandbox.faults({"route": ROUTE_STATUSES, "fault": "error", "status": 503})
    target = only_target(post)
    assert tick() == {target.pk: "scheduled"}
    target.refresh_from_db()
    assert target.attempts == 1 and target.last_error_code == "uncertain"
    assert target.next_attempt_at > timezone.now()
    assert tick() == {}  # backoff: not yet
    assert tick(after=3600) == {target.pk: "published"}
    assert sandbox.created_count(str(target.idempotency_key)) == 1


def test_a_lost_answer_is_found_on_the_platform_instead_of_posting_again(make_scheduled, tick,
                                                                        sandbox):
    post = make_scheduled()
    sandbox.faults({"route": ROUTE_STATUSES, "fault": "lost"})
    target = only_target(post)
    assert tick() == {target.pk: "scheduled"}
    assert sandbox.created_count(str(target.idempotency_key)) == 1  # it did go out
    assert tick(after=3600) == {target.pk: "published"}
    stats = sandbox.stats()
    assert stats["calls"][ROUTE_STATUSES] == 1  # reconciled by looking, not by posting again
    target.refresh_from_db()
    assert target.remote_id == stats["statuses"]["by_key"][str(target.idempotency_key)][
        "status_ids"][0]


def test_rate_limit_waits_for_retry_after_and_does_not_stall_other_accounts(
        make_scheduled, tick, sandbox, brand, second_brand):
    limited = make_scheduled("one", accounts=[brand])
    later = make_scheduled("two", accounts=[brand])
    other = make_scheduled("three", accounts=[second_brand])
    sandbox.faults({"route": ROUTE_STATUSES, "fault": "rate_limited", "retry_after": 120,
                    "account": brand.external_id})
    before = timezone.now()
    results = tick()
    assert results[only_target(other).pk] == "published"
    states = {results[only_target(limited).pk], results[only_target(later).pk]}
    assert "scheduled" in states
    for post in (limited, later):
        target = only_target(post)
        if target.status == "scheduled":
            assert target.next_attempt_at >= before + dt.timedelta(seconds=120)
    assert tick(after=60) == {}
    assert set(tick(after=200).values()) <= {"published"}
    assert only_target(limited).status == only_target(later).status == "published"


def test_a_rejection_fails_with_the_platforms_reason_and_tells_people(
        make_scheduled, tick, sandbox, author, approver, mailoutbox,
        django_capture_on_commit_callbacks):
    post = make_scheduled()
    sandbox.faults({"route": ROUTE_STATUSES, "fault": "reject", "status": 422,
                    "message": "Validation failed: Text contains a forbidden word"})
    target = only_target(post)
    with django_capture_on_commit_callbacks(execute=True):
        assert tick() == {target.pk: "failed"}
    target.refresh_from_db()
    assert "forbidden word" in target.last_error and target.last_error_code == "rejected"
    assert post.delivery_status == "failed"
    notified = set(Notification.objects.filter(verb="content.target.failed")
                   .values_list("user_id", flat=True))
    assert {author.pk, approver.pk} <= notified
    assert {author.email, approver.email} <= {m.to[0] for m in mailoutbox}
    assert tick(after=3600) == {}  # terminal until someone retries


def test_transient_errors_end_in_failed_after_the_attempt_limit(make_scheduled, tick, sandbox,
                                                                settings):
    settings.PUBLISH_MAX_ATTEMPTS = 2
    post = make_scheduled()
    sandbox.faults({"route": ROUTE_STATUSES, "fault": "error", "status": 502, "times": 10})
    target = only_target(post)
    assert tick() == {target.pk: "scheduled"}
    assert tick(after=3600) == {target.pk: "failed"}
    target.refresh_from_db()
    assert "502" in target.last_error
    assert sandbox.stats()["statuses"]["created"] == 0


def test_partially_failed_when_one_account_rejects(make_scheduled, tick, sandbox, brand,
                                                   second_brand):
    post = make_scheduled(accounts=[brand, second_brand])
    sandbox.faults({"route": ROUTE_STATUSES, "fault": "reject", "message": "No",
                    "account": second_brand.external_id})
    tick()
    assert post.delivery_status == "partially_failed"
