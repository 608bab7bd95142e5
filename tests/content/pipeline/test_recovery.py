"""Leases, reconnects, unconfirmed outcomes, bad input and crashes: each ends in a clear state."""

from __future__ import annotations

import datetime as dt

import pytest
import responses
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.models import AccountStatus
from accounts.services.connected_accounts import account_disconnect
from accounts.services.errors import ServiceError
from content.models import MediaAsset, PostTarget, PostTargetMedia
from content.pipeline.decisions import (
    target_confirm_published,
    target_publish_again,
    target_retry,
)
from content.pipeline.dispatcher import dispatch_due_targets
from content.pipeline.worker import target_publish
from sandbox.control import ROUTE_STATUSES

pytestmark = pytest.mark.django_db


def only_target(post) -> PostTarget:
    return PostTarget.objects.get(post=post)


def test_an_expired_lease_is_reconciled_and_the_late_worker_is_ignored(make_scheduled, tick,
                                                                       sandbox):
    post = make_scheduled()
    [claim] = dispatch_due_targets(enqueue=False)  # the worker that got this dies
    target = only_target(post)
    assert target.status == "publishing"
    assert tick() == {}  # lease still held: nobody else touches it
    later = settings.PUBLISH_LEASE_SECONDS + 1
    assert tick(after=later) == {target.pk: "published"}
    target.refresh_from_db()
    assert target.attempts == 2
    # the dead worker's task is redelivered late: its lease is gone, nothing happens
    assert target_publish(target_id=claim.target_id, lease=claim.lease) == "stale"
    assert sandbox.created_count(str(target.idempotency_key)) == 1
    assert sandbox.stats()["calls"][ROUTE_STATUSES] == 1


def test_two_dispatch_runs_never_claim_the_same_target(make_scheduled):
    for n in range(5):
        make_scheduled(f"post {n}")
    first = dispatch_due_targets(enqueue=False)
    second = dispatch_due_targets(enqueue=False)
    assert len(first) == 5 and second == []


def test_expired_sign_in_pauses_the_accounts_posts_until_reconnected(
        org, make_scheduled, tick, sandbox, brand, connect_sandbox_account,
        django_capture_on_commit_callbacks):
    first = make_scheduled("first")
    waiting = make_scheduled("second", at=timezone.now() + dt.timedelta(hours=1))
    sandbox.expire_tokens(brand.external_id, revoke_refresh=True)
    assert tick() == {only_target(first).pk: "paused"}
    brand.refresh_from_db()
    assert brand.status == AccountStatus.NEEDS_RECONNECT
    assert only_target(waiting).status == "paused"  # the account's other posts wait too
    assert "reconnect" in only_target(first).last_error
    with django_capture_on_commit_callbacks(execute=True):
        connect_sandbox_account(org, "brand_a")  # reconnecting resumes them (signal)
    assert {only_target(first).status, only_target(waiting).status} == {"scheduled"}
    # The overdue one goes out now; the other keeps its planned time.
    assert tick() == {only_target(first).pk: "published"}
    assert only_target(waiting).next_attempt_at == waiting.scheduled_at
    assert tick(after=3601) == {only_target(waiting).pk: "published"}


def test_expired_access_token_is_refreshed_and_the_post_still_goes_out(make_scheduled, tick,
                                                                       sandbox, brand):
    post = make_scheduled()
    sandbox.expire_tokens(brand.external_id)  # the refresh token still works
    target = only_target(post)
    assert tick() == {target.pk: "scheduled"}
    assert tick() == {target.pk: "published"}
    brand.refresh_from_db()
    assert brand.status == AccountStatus.ACTIVE


@pytest.fixture
def uncheckable(brand, test_providers):
    type(brand).objects.filter(pk=brand.pk).update(provider="uncheckable")
    brand.refresh_from_db()
    return brand


def test_an_unknowable_outcome_asks_a_person_and_is_never_retried_blindly(
        make_scheduled, tick, sandbox, uncheckable, approver):
    post = make_scheduled()
    sandbox.faults({"route": ROUTE_STATUSES, "fault": "lost"})
    target = only_target(post)
    assert tick() == {target.pk: "unconfirmed"}
    assert tick(after=3600) == {}
    assert post.delivery_status == "publishing"
    with pytest.raises(ServiceError):
        target_confirm_published(target=target, actor=approver, url="javascript:alert(1)")
    target_confirm_published(target=target, actor=approver, url="https://sandbox.example/1")
    target.refresh_from_db()
    assert target.status == "published" and target.remote_url == "https://sandbox.example/1"
    assert sandbox.stats()["calls"][ROUTE_STATUSES] == 1


def test_publish_again_after_checking_sends_it_once_more(make_scheduled, tick, sandbox,
                                                        uncheckable, approver):
    post = make_scheduled()
    sandbox.faults({"route": ROUTE_STATUSES, "fault": "error", "status": 502})
    target = only_target(post)
    assert tick() == {target.pk: "unconfirmed"}
    target_publish_again(target=target, actor=approver)
    assert tick() == {target.pk: "published"}


def test_retry_of_a_failed_target_publishes_it(make_scheduled, tick, sandbox, approver,
                                               member_of):
    post = make_scheduled()
    sandbox.faults({"route": ROUTE_STATUSES, "fault": "reject", "message": "Nope"})
    target = only_target(post)
    tick()
    with pytest.raises(ServiceError):
        target_retry(target=target, actor=member_of("viewer"))
    target_retry(target=target, actor=approver)
    assert tick() == {target.pk: "published"}


def test_a_disconnected_account_fails_with_a_reason(make_scheduled, tick, brand, owner,
                                                    sandbox):
    post = make_scheduled()
    account_disconnect(account=brand, actor=owner)
    target = only_target(post)
    assert tick() == {target.pk: "failed"}
    target.refresh_from_db()
    assert target.last_error_code == "account_disconnected" and brand.handle in target.last_error
    assert sandbox.stats()["calls"].get(ROUTE_STATUSES, 0) == 0


def test_a_deleted_media_file_fails_with_its_name(org, make_scheduled, tick, sandbox):
    post = make_scheduled()
    target = only_target(post)
    name = default_storage.save("media/x.png", open(__file__, "rb"))  # noqa: SIM115
    asset = MediaAsset.objects.create(organization=org, file=name, original_name="logo.png",
                                      kind="image", content_type="image/png", size=10)
    PostTargetMedia.objects.create(target=target, asset=asset)
    default_storage.delete(name)
    assert tick() == {target.pk: "failed"}
    target.refresh_from_db()
    assert "logo.png" in target.last_error


def test_content_changed_after_approval_is_not_published(org, make_scheduled, tick, sandbox):
    org.approval_required = True
    org.save()
    post = make_scheduled()
    PostTarget.objects.filter(post=post).update(text="changed behind the approval's back")
    target = only_target(post)
    assert tick() == {target.pk: "failed"}
    target.refresh_from_db()
    assert target.last_error_code == "not_approved"
    assert sandbox.stats()["calls"].get(ROUTE_STATUSES, 0) == 0


def test_a_200_without_an_id_is_reconciled_then_retried_not_lost(make_scheduled, tick,
                                                                 sandbox):
    post = make_scheduled()
    sandbox.faults({"route": ROUTE_STATUSES, "fault": "malformed"})
    target = only_target(post)
    assert tick() == {target.pk: "scheduled"}
    target.refresh_from_db()
    assert target.last_error_code == "uncertain"
    assert tick(after=3600) == {target.pk: "published"}


def test_malformed_json_every_time_ends_failed_with_a_reason(make_scheduled, tick, sandbox,
                                                             settings):
    settings.PUBLISH_MAX_ATTEMPTS = 2
    post = make_scheduled()
    target = only_target(post)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru(sandbox.url.rsplit(":", 1)[0] + ":0")  # nothing else passes
        mock.add(responses.POST, f"{sandbox.url}/api/v1/statuses", body="<html>oops",
                 status=200, content_type="text/html")
        mock.add(responses.GET, f"{sandbox.url}/api/v1/accounts/{target.account.external_id}"
                 "/statuses", json=[], status=200)
        assert tick() == {target.pk: "scheduled"}
        assert tick(after=3600) == {target.pk: "failed"}
    target.refresh_from_db()
    assert "not valid JSON" in target.last_error


def test_an_unexpected_exception_pushes_the_target_forward(make_scheduled, tick, brand,
                                                           test_providers):
    type(brand).objects.filter(pk=brand.pk).update(provider="exploding")
    post = make_scheduled()
    target = only_target(post)
    assert tick() == {target.pk: "scheduled"}
    target.refresh_from_db()
    assert target.last_error_code == "crash" and "RuntimeError" in target.last_error
    assert target.next_attempt_at > timezone.now()
    assert tick() == {}  # not a crash loop
