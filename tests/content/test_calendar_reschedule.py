"""Moving posts on the calendar: time zones and DST, permissions, validation, undo."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.services.errors import ServiceError
from content.models import Post, PostTarget
from content.services.calendar import post_reschedule, resolve_local
from content.services.workflow import post_schedule, post_submit
from content.workflows import PostState, TargetState

pytestmark = pytest.mark.django_db
BERLIN = "Europe/Berlin"


# --- the one date helper -----------------------------------------------------------------
def test_a_normal_wall_clock_time_converts_with_the_zones_offset():
    assert resolve_local(dt.datetime(2030, 1, 10, 9, 0), BERLIN).at == \
        dt.datetime(2030, 1, 10, 8, 0, tzinfo=dt.UTC)
    assert resolve_local(dt.datetime(2030, 7, 10, 9, 0), BERLIN).at == \
        dt.datetime(2030, 7, 10, 7, 0, tzinfo=dt.UTC)
    assert resolve_local(dt.datetime(2030, 7, 10, 9, 0), "Asia/Kolkata").at == \
        dt.datetime(2030, 7, 10, 3, 30, tzinfo=dt.UTC)


def test_0230_on_the_spring_forward_day_is_refused_with_a_message():
    # 2030-03-31 is the last Sunday of March: Berlin jumps from 02:00 to 03:00
    with pytest.raises(ServiceError) as exc:
        resolve_local(dt.datetime(2030, 3, 31, 2, 30), BERLIN)
    assert exc.value.code == "nonexistent_time"
    assert "does not exist" in exc.value.message


def test_a_series_shifts_a_nonexistent_time_forward_and_says_so():
    resolved = resolve_local(dt.datetime(2030, 3, 31, 2, 30), BERLIN, shift_gap=True)
    assert resolved.at == dt.datetime(2030, 3, 31, 1, 30, tzinfo=dt.UTC)  # 03:30 CEST
    assert "moved to" in resolved.note


def test_0230_on_the_fall_back_day_takes_the_first_one_and_says_so():
    # 2030-10-27, last Sunday of October: 02:00–03:00 happens twice
    resolved = resolve_local(dt.datetime(2030, 10, 27, 2, 30), BERLIN)
    assert resolved.at == dt.datetime(2030, 10, 27, 0, 30, tzinfo=dt.UTC)  # 02:30 CEST
    assert "twice" in resolved.note


# --- the service ------------------------------------------------------------------------
@pytest.fixture
def scheduled(make_post, member_of, future):
    approver = member_of("approver")
    post = make_post(author=approver)
    return post_schedule(post=post, actor=approver, scheduled_at=future), approver


def test_rescheduling_moves_the_post_and_its_deliveries_and_is_audited(scheduled):
    post, approver = scheduled
    new = post.scheduled_at + dt.timedelta(days=3)
    moved = post_reschedule(post=post, actor=approver, scheduled_at=new)
    assert moved.scheduled_at == new
    assert moved.version == post.version + 1
    assert set(PostTarget.objects.filter(post=post).values_list("next_attempt_at", flat=True)) \
        == {new}
    entry = AuditEntry.objects.get(verb="content.post.rescheduled", target_id=str(post.pk))
    assert entry.details["to"] == new.isoformat()


def test_rescheduling_across_dst_keeps_the_wall_clock_time(org, scheduled, login):
    post, approver = scheduled
    # Friday 10:00 CET before the spring change → Monday 10:00 CEST after it
    Post.objects.filter(pk=post.pk).update(
        scheduled_at=resolve_local(dt.datetime(2030, 3, 29, 10, 0), BERLIN).at)
    response = login(approver).post(f"/o/{org.slug}/calendar/posts/{post.pk}/move/",
                                    {"start": "2030-04-01T10:00", "tz": BERLIN})
    assert response.status_code == 200, response.json()
    assert response.json()["start"] == "2030-04-01T10:00"
    assert response.json()["previous"] == "2030-03-29T10:00"
    post.refresh_from_db()
    assert post.scheduled_at == dt.datetime(2030, 4, 1, 8, 0, tzinfo=dt.UTC)  # UTC+2 now


def test_a_drop_into_the_dst_gap_is_refused_and_changes_nothing(org, scheduled, login):
    post, approver = scheduled
    before = post.scheduled_at
    response = login(approver).post(f"/o/{org.slug}/calendar/posts/{post.pk}/move/",
                                    {"start": "2030-03-31T02:30", "tz": BERLIN})
    assert response.status_code == 400
    assert "does not exist" in response.json()["error"]
    post.refresh_from_db()
    assert post.scheduled_at == before


def test_a_drop_into_the_past_is_refused(org, scheduled, login):
    post, approver = scheduled
    yesterday = timezone.localtime(timezone.now() - dt.timedelta(days=1))
    response = login(approver).post(f"/o/{org.slug}/calendar/posts/{post.pk}/move/", {
        "start": yesterday.strftime("%Y-%m-%dT%H:%M"), "tz": BERLIN})
    assert response.status_code == 400
    assert "past" in response.json()["error"]


def test_undo_moves_the_post_back_to_its_original_time(org, scheduled, login):
    post, approver = scheduled
    client = login(approver)
    url = f"/o/{org.slug}/calendar/posts/{post.pk}/move/"
    original = post.scheduled_at
    first = client.post(url, {"start": "2031-05-05T12:15", "tz": BERLIN}).json()
    assert first["ok"]
    undo = client.post(url, {"start": first["previous"], "tz": BERLIN}).json()
    assert undo["ok"]
    post.refresh_from_db()
    assert post.scheduled_at == original.replace(second=0, microsecond=0)
    assert AuditEntry.objects.filter(verb="content.post.rescheduled",
                                     target_id=str(post.pk)).count() == 2


def test_a_post_being_published_cannot_move(scheduled):
    post, approver = scheduled
    PostTarget.objects.filter(post=post).update(status=TargetState.PUBLISHING)
    with pytest.raises(ServiceError) as exc:
        post_reschedule(post=post, actor=approver,
                        scheduled_at=post.scheduled_at + dt.timedelta(days=1))
    assert exc.value.code == "busy"


def test_an_editor_cannot_move_a_scheduled_post_where_approval_is_required(
        org, scheduled, member_of, login):
    org.approval_required = True
    org.save()
    post, _approver = scheduled
    editor = member_of("editor")
    response = login(editor).post(f"/o/{org.slug}/calendar/posts/{post.pk}/move/",
                                  {"start": "2031-01-01T10:00", "tz": BERLIN})
    assert response.status_code == 403
    post.refresh_from_db()
    assert post.scheduled_at != dt.datetime(2031, 1, 1, 9, tzinfo=dt.UTC)


def test_an_editor_may_move_a_draft_and_it_stays_a_draft(org, make_post, member_of, future):
    org.approval_required = True
    org.save()
    editor = member_of("editor")
    draft = make_post(author=editor)
    moved = post_reschedule(post=draft, actor=editor, scheduled_at=future)
    assert moved.status == PostState.DRAFT
    assert moved.scheduled_at == future


def test_a_scheduled_post_whose_approval_no_longer_holds_cannot_move(org, scheduled):
    org.approval_required = True
    org.save()
    post, approver = scheduled
    Post.objects.filter(pk=post.pk).update(approved_content_hash="something else")
    with pytest.raises(ServiceError) as exc:
        post_reschedule(post=post, actor=approver,
                        scheduled_at=post.scheduled_at + dt.timedelta(days=1))
    assert exc.value.code == "not_approved"


def test_a_viewer_cannot_move_anything(org, scheduled, member_of, login):
    post, _approver = scheduled
    response = login(member_of("viewer")).post(
        f"/o/{org.slug}/calendar/posts/{post.pk}/move/", {"start": "2031-01-01T10:00"})
    assert response.status_code == 403


def test_another_organisations_post_is_a_404(org, other_org, scheduled, outsider, login):
    post, _approver = scheduled
    response = login(outsider).post(f"/o/{other_org.slug}/calendar/posts/{post.pk}/move/",
                                    {"start": "2031-01-01T10:00"})
    assert response.status_code == 404


def test_the_preview_shows_status_targets_and_actions(org, make_post, member_of, login):
    editor = member_of("editor")
    post = make_post(author=editor, text="Preview me")
    post_submit(post=post, actor=editor)
    approver = member_of("approver")
    html = login(approver).get(f"/o/{org.slug}/calendar/posts/{post.pk}/preview/") \
        .content.decode()
    assert "Preview me" in html
    assert "Pending approval" in html
    assert f"/o/{org.slug}/posts/{post.pk}/approve/" in html
    assert "status-pending" in html
