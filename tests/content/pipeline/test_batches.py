"""Batched publishing: many claims per task, calls made concurrently, settled together —
with the same exactly-once guarantees as one target at a time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AuditEntry
from content.models import PostTarget
from content.pipeline import settle
from content.pipeline.dispatcher import dispatch_due_targets, next_due_within
from content.pipeline.providers import provider_for
from content.pipeline.ratelimit import account_rate_limited
from content.pipeline.worker import targets_publish
from content.workflows import TargetState
from platforms.base import RemotePost
from sandbox.control import ROUTE_STATUSES

pytestmark = pytest.mark.django_db


@pytest.fixture
def third_brand(org, connect_sandbox_account):
    return connect_sandbox_account(org, "brand_c")


def targets_of(org):
    return PostTarget.objects.filter(post__organization=org)


def test_a_batch_goes_out_once_each_with_queries_that_do_not_grow_per_target(
        org, make_scheduled, sandbox, brand, second_brand, third_brand):
    for n in range(4):
        make_scheduled(f"batch {n}", accounts=[brand, second_brand, third_brand])
    claims = dispatch_due_targets(enqueue=False)
    assert len(claims) == 12
    with CaptureQueriesContext(connection) as queries:
        results = targets_publish(claims)
    assert results == {c.target_id: "published" for c in claims}
    sqls = [q["sql"] for q in queries.captured_queries]
    # loaded with one query (+ attachments), no lock-then-check before settling
    assert sum(s.startswith('SELECT "content_posttarget"') for s in sqls) == 1
    assert not any("FOR UPDATE" in s for s in sqls)
    assert len(sqls) <= 12 + 2 + 5 * 3  # one CAS UPDATE each, a few per settled group
    for target in targets_of(org):
        assert target.status == "published" and target.remote_id
        assert target.lease_expires_at is None and target.next_attempt_at is None
        assert sandbox.created_count(str(target.idempotency_key)) == 1
    assert AuditEntry.objects.filter(verb="content.target.published",
                                     organization=org).count() == 12


def test_after_a_rate_limit_the_accounts_other_targets_are_not_called(
        org, make_scheduled, tick, sandbox, brand, second_brand):
    for n in range(3):
        make_scheduled(f"limited {n}", accounts=[brand])
    other = make_scheduled("free", accounts=[second_brand])
    sandbox.faults({"route": ROUTE_STATUSES, "fault": "rate_limited", "retry_after": 120,
                    "account": brand.external_id})
    before = timezone.now()
    results = tick()
    assert results[PostTarget.objects.get(post=other).pk] == "published"
    assert sandbox.stats()["calls"][ROUTE_STATUSES] == 2  # one 429 for brand, then no more
    waiting = list(targets_of(org).filter(account=brand))
    assert [t.status for t in waiting] == ["scheduled"] * 3
    assert all(t.next_attempt_at >= before + dt.timedelta(seconds=120) for t in waiting)
    assert sorted(t.attempts for t in waiting) == [0, 0, 1]  # only the call counts
    assert set(tick(after=200).values()) == {"published"}
    assert targets_of(org).filter(status="published").count() == 4


def test_a_put_back_keeps_the_ask_the_platform_first_mark(make_scheduled, tick, sandbox,
                                                           brand):
    post = make_scheduled()
    sandbox.faults({"route": ROUTE_STATUSES, "fault": "lost"})
    target = PostTarget.objects.get(post=post)
    assert tick() == {target.pk: "scheduled"}  # it went out, but the answer was lost
    claims = dispatch_due_targets(now=timezone.now() + dt.timedelta(hours=1), enqueue=False)
    account_rate_limited(brand, retry_after=300)  # meanwhile another post got a 429
    assert targets_publish(claims) == {target.pk: "scheduled"}  # put back without a call
    target.refresh_from_db()
    assert target.last_error_code == "uncertain"
    assert target.next_attempt_at > timezone.now() + dt.timedelta(seconds=290)
    assert tick(after=7200) == {target.pk: "published"}
    assert sandbox.stats()["calls"][ROUTE_STATUSES] == 1  # found by looking, not reposted
    assert sandbox.created_count(str(target.idempotency_key)) == 1


def test_a_result_whose_lease_was_lost_is_dropped_and_the_rest_settle(
        org, make_scheduled, sandbox, brand, second_brand):
    make_scheduled("two accounts", accounts=[brand, second_brand])
    first, second = dispatch_due_targets(enqueue=False)
    targets = {t.pk: t for t in targets_of(org).select_related("post__organization", "account")}
    relet = timezone.now() + dt.timedelta(minutes=9)  # the dispatcher re-claimed it meanwhile
    PostTarget.objects.filter(pk=second.target_id).update(lease_expires_at=relet)
    remote = RemotePost(id="1", url="https://sandbox.example/1")
    done = settle.published_many([(targets[first.target_id], first.lease, remote),
                                  (targets[second.target_id], second.lease, remote)])
    assert [t.pk for t in done] == [first.target_id]
    assert PostTarget.objects.get(pk=second.target_id).status == TargetState.PUBLISHING
    assert AuditEntry.objects.filter(verb="content.target.published").count() == 1


def test_the_dispatcher_queues_small_batches_that_all_publish(
        org, make_scheduled, sandbox, brand, second_brand, settings,
        django_capture_on_commit_callbacks):
    settings.PUBLISH_TASK_BATCH = 3
    for n in range(4):
        make_scheduled(f"queued {n}", accounts=[brand, second_brand])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        claims = dispatch_due_targets()  # eager Celery: the tasks run on commit
    assert len(claims) == 8 and callbacks
    assert targets_of(org).filter(status="published").count() == 8
    assert sandbox.stats()["statuses"]["created"] == 8


def test_the_next_due_instant_before_the_next_beat_tick(make_scheduled):
    now = timezone.now()
    soon = make_scheduled("soon", at=now + dt.timedelta(minutes=10))
    make_scheduled("later", at=now + dt.timedelta(minutes=30))
    due = PostTarget.objects.get(post=soon).next_attempt_at
    assert next_due_within(due - dt.timedelta(seconds=0.4), 1.0) == due
    assert next_due_within(due - dt.timedelta(seconds=2), 1.0) is None
    assert next_due_within(due, 1.0) is None  # already due: the current run claims it


def test_provider_instances_are_reused_until_the_registry_changes(test_providers):
    from platforms import registry

    first = provider_for("sandbox")
    assert provider_for("sandbox") is first
    assert provider_for("exploding") is not first
    registry.PROVIDERS["sandbox"] = "tests.content.pipeline.conftest.UncheckableSandbox"
    try:
        registry._provider_class.cache_clear()
        assert type(provider_for("sandbox")).__name__ == "UncheckableSandbox"
    finally:
        registry.PROVIDERS["sandbox"] = "platforms.sandbox.SandboxProvider"
        registry._provider_class.cache_clear()


def test_a_post_entering_the_claim_window_before_the_next_tick_is_claimed_then(
        make_scheduled, settings):
    from django.core.cache import cache

    from content.tasks.pipeline import _dispatch_again

    ahead = dt.timedelta(seconds=settings.PUBLISH_CLAIM_AHEAD)
    post = make_scheduled("right on time", at=timezone.now() + ahead + dt.timedelta(seconds=0.3))
    target = PostTarget.objects.get(post=post)
    assert dispatch_due_targets(enqueue=False) == []  # not yet inside the window
    _dispatch_again(0)  # a beat run saw it coming; Celery is eager here: the timed run is inline
    target.refresh_from_db()
    assert target.status == "publishing"  # claimed by the timed run, not a second later
    assert timezone.now() >= target.next_attempt_at - ahead  # and not before the window
    assert cache.get(f"pipeline:dispatch_at:{target.next_attempt_at.isoformat()}")


def test_a_post_claimed_ahead_goes_out_at_its_instant_and_not_before(
        make_scheduled, sandbox, django_capture_on_commit_callbacks):
    due = timezone.now() + dt.timedelta(seconds=1)
    post = make_scheduled("on the dot", at=due)
    target = PostTarget.objects.get(post=post)
    due = target.next_attempt_at
    with django_capture_on_commit_callbacks(execute=True):
        claims = dispatch_due_targets()  # eager Celery: the task runs on commit, then waits
    assert [c.target_id for c in claims] == [target.pk]
    target.refresh_from_db()
    assert target.status == "published"
    received = [e["received_at"] for e in sandbox.stats(events=True)["statuses"]["events"]
                if e["idempotency_key"] == str(target.idempotency_key)]
    assert len(received) == 1 and received[0] >= due.timestamp()


def test_retries_are_not_claimed_ahead_of_their_backoff(make_scheduled):
    post = make_scheduled("tried before", at=timezone.now() + dt.timedelta(seconds=1))
    PostTarget.objects.filter(post=post).update(attempts=1)
    assert dispatch_due_targets(enqueue=False) == []
    assert len(dispatch_due_targets(now=timezone.now() + dt.timedelta(seconds=1.5),
                                    enqueue=False)) == 1
