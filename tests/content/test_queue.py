"""Queue slots and "Add to queue": next free slot, DST-stable wall-clock slots, roles."""

import datetime as dt

import pytest

from accounts.services.errors import ServiceError
from content.models import QueueSlot
from content.services.access import Forbidden
from content.services.calendar import resolve_local
from content.services.queue import next_free_slot, post_add_to_queue, queue_slot_add, slot_times
from content.services.workflow import post_schedule
from content.workflows import PostState

pytestmark = pytest.mark.django_db
BERLIN = "Europe/Berlin"
# Monday 2030-03-25, 08:00 UTC (09:00 in Berlin)
NOW = dt.datetime(2030, 3, 25, 8, 0, tzinfo=dt.UTC)


def _slot(org, account, weekday, hhmm):
    h, m = map(int, hhmm.split(":"))
    return QueueSlot.objects.create(organization=org, account=account, weekday=weekday,
                                    time=dt.time(h, m))


def local(y, mo, d, h, mi=0):
    return resolve_local(dt.datetime(y, mo, d, h, mi), BERLIN).at


def test_slots_keep_their_wall_clock_time_across_dst(org, accounts):
    _slot(org, accounts[0], 4, "10:00")  # Fridays 10:00
    times = slot_times(org, [accounts[0].pk], now=NOW, weeks=2)
    assert [t.at for t in times] == [local(2030, 3, 29, 10), local(2030, 4, 5, 10)]
    assert times[0].at.hour == 9 and times[1].at.hour == 8  # CET, then CEST
    assert {t.local.time() for t in times} == {dt.time(10, 0)}


def test_next_free_slot_skips_slots_taken_by_a_scheduled_post(org, accounts, make_post,
                                                              member_of):
    approver = member_of("approver")
    _slot(org, accounts[0], 1, "09:00")  # Tuesdays
    _slot(org, accounts[0], 3, "09:00")  # Thursdays
    tuesday = local(2030, 3, 26, 9)
    assert next_free_slot(org, [accounts[0].pk], now=NOW) == tuesday
    taken = make_post(author=approver, account_ids=[accounts[0].pk])
    post_schedule(post=taken, actor=approver, scheduled_at=tuesday)
    assert next_free_slot(org, [accounts[0].pk], now=NOW) == local(2030, 3, 28, 9)


def test_a_post_for_two_accounts_needs_a_time_free_for_both(org, accounts, make_post, member_of):
    approver = member_of("approver")
    a, b = accounts
    _slot(org, a, 1, "09:00")
    _slot(org, b, 1, "09:00")
    _slot(org, a, 2, "12:00")
    busy = make_post(author=approver, account_ids=[b.pk])
    post_schedule(post=busy, actor=approver, scheduled_at=local(2030, 3, 26, 9))
    assert next_free_slot(org, [a.pk, b.pk], now=NOW) == local(2030, 3, 27, 12)


def test_add_to_queue_schedules_the_post_in_the_next_free_slot(org, accounts, make_post,
                                                               member_of):
    approver = member_of("approver")
    _slot(org, accounts[0], 1, "09:00")
    first = make_post(author=approver, account_ids=[accounts[0].pk])
    second = make_post(author=approver, account_ids=[accounts[0].pk])
    r1 = post_add_to_queue(post=first, actor=approver, now=NOW)
    r2 = post_add_to_queue(post=second, actor=approver, now=NOW)
    assert r1.scheduled and r2.scheduled
    assert r1.at == local(2030, 3, 26, 9)
    assert r2.at == local(2030, 4, 2, 9)  # the next Tuesday, not the same slot
    first.refresh_from_db()
    assert first.status == PostState.SCHEDULED


def test_add_to_queue_where_approval_is_required_plans_but_does_not_schedule(
        org, accounts, make_post, member_of):
    org.approval_required = True
    org.save()
    editor = member_of("editor")
    _slot(org, accounts[0], 1, "09:00")
    post = make_post(author=editor, account_ids=[accounts[0].pk])
    result = post_add_to_queue(post=post, actor=editor, now=NOW)
    assert result.scheduled is False
    post.refresh_from_db()
    assert post.status == PostState.DRAFT
    assert post.scheduled_at == local(2030, 3, 26, 9)


def test_without_slots_add_to_queue_says_what_to_do(org, accounts, make_post, member_of):
    approver = member_of("approver")
    post = make_post(author=approver)
    with pytest.raises(ServiceError) as exc:
        post_add_to_queue(post=post, actor=approver, now=NOW)
    assert exc.value.code == "no_slot"


def test_only_approvers_and_up_define_slots(org, accounts, member_of):
    with pytest.raises(Forbidden):
        queue_slot_add(organization=org, actor=member_of("editor"), account=accounts[0],
                       weekday=0, time=dt.time(9))
    queue_slot_add(organization=org, actor=member_of("approver"), account=accounts[0],
                   weekday=0, time=dt.time(9))
    with pytest.raises(ServiceError):
        queue_slot_add(organization=org, actor=member_of("admin"), account=accounts[0],
                       weekday=0, time=dt.time(9))


def test_queue_page_lists_slots_and_adds_one(org, accounts, member_of, login):
    admin = member_of("admin")
    client = login(admin)
    response = client.post(f"/o/{org.slug}/queue/slots/",
                           {"account": accounts[0].pk, "weekday": 2, "time": "14:30"})
    assert response.status_code == 302
    assert QueueSlot.objects.filter(account=accounts[0], weekday=2, time=dt.time(14, 30)).exists()
    page = client.get(f"/o/{org.slug}/queue/").content.decode()
    assert "Wednesday 14:30" in page
    bad = client.post(f"/o/{org.slug}/queue/slots/", {"account": accounts[0].pk, "weekday": 9,
                                                       "time": "25:00"})
    assert bad.status_code == 400
    assert QueueSlot.objects.count() == 1


def test_an_editor_cannot_add_slots_through_the_page(org, accounts, member_of, login):
    response = login(member_of("editor")).post(
        f"/o/{org.slug}/queue/slots/", {"account": accounts[0].pk, "weekday": 2, "time": "14:30"})
    assert response.status_code == 403
