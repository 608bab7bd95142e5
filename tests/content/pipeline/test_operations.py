"""The operations page, the status include's actions, the watchdog and /healthz."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from content.models import PostTarget
from content.pipeline.watchdog import scheduler_check
from ops.models import Heartbeat
from sandbox.control import ROUTE_STATUSES

pytestmark = pytest.mark.django_db


def test_admins_see_failed_deliveries_with_the_reason_and_can_retry(
        make_scheduled, tick, sandbox, member_of, login):
    post = make_scheduled("Sale starts now")
    sandbox.faults({"route": ROUTE_STATUSES, "fault": "reject", "message": "Link not allowed"})
    tick()
    client = login(member_of("admin"))
    html = client.get("/o/acme/operations/").content.decode()
    assert "Link not allowed" in html and "Sale starts now" in html
    target = PostTarget.objects.get(post=post)
    response = client.post(f"/o/acme/operations/targets/{target.pk}/retry/")
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.status == "scheduled" and target.attempts == 0
    assert tick() == {target.pk: "published"}


def test_editors_cannot_open_the_operations_page(member_of, login):
    assert login(member_of("editor")).get("/o/acme/operations/").status_code == 403


def test_another_organisations_target_is_a_404(make_scheduled, tick, sandbox, outsider, login,
                                               other_org):
    post = make_scheduled()
    sandbox.faults({"route": ROUTE_STATUSES, "fault": "reject", "message": "No"})
    tick()
    target = PostTarget.objects.get(post=post)
    response = login(outsider).post(f"/o/globex/operations/targets/{target.pk}/retry/")
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.status == "failed"


def test_a_bad_confirmation_url_is_refused_and_changes_nothing(
        make_scheduled, tick, sandbox, brand, test_providers, member_of, login):
    type(brand).objects.filter(pk=brand.pk).update(provider="uncheckable")
    post = make_scheduled()
    sandbox.faults({"route": ROUTE_STATUSES, "fault": "lost"})
    tick()
    target = PostTarget.objects.get(post=post)
    client = login(member_of("admin"))
    html = client.get("/o/acme/operations/").content.decode()
    assert "It was published" in html and "Publish again" in html
    response = client.post(f"/o/acme/operations/targets/{target.pk}/confirm/",
                           {"url": "not a url"}, follow=True)
    assert "full address" in response.content.decode()
    target.refresh_from_db()
    assert target.status == "unconfirmed"


def test_a_stalled_scheduler_is_reported_once_per_incident(org, owner, mailoutbox, client,
                                                            django_capture_on_commit_callbacks):
    Heartbeat.objects.create(kind="dispatcher", name="dispatcher",
                             last_seen=timezone.now() - dt.timedelta(minutes=3))
    Heartbeat.objects.create(kind="worker", name="w1@host", last_seen=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert [p.code for p in scheduler_check()] == ["dispatcher_stale"]
        scheduler_check()
    assert len(mailoutbox) == 1 and owner.email in mailoutbox[0].to
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["scheduler"] == {"ok": False, "problems": ["dispatcher_stale"]}


def test_an_overdue_post_and_missing_workers_are_problems(make_scheduled):
    post = make_scheduled()
    PostTarget.objects.filter(post=post).update(
        next_attempt_at=timezone.now() - dt.timedelta(minutes=3))
    codes = {p.code for p in scheduler_check()}
    assert codes == {"dispatcher_stale", "no_worker", "overdue"}


def test_a_healthy_scheduler_is_quiet(make_scheduled, tick, mailoutbox):
    make_scheduled()
    tick()  # the dispatcher ran just now
    Heartbeat.objects.create(kind="worker", name="w1@host", last_seen=timezone.now())
    assert scheduler_check() == []
