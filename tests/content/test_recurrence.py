"""Recurring posts: rule maths, idempotent materialisation anchored to the rule, skip, edits."""

import datetime as dt

import pytest

from content.models import Frequency, Post, RecurrenceOccurrence, RecurrenceRule
from content.services.calendar import resolve_local, to_wall_clock
from content.services.recurrence import (
    RuleSpec,
    occurrence_dates,
    recurrence_create,
    recurrence_edit_text,
    recurrence_materialise,
    recurrence_occurrence_skip,
)
from content.tasks.calendar import materialise_recurrences
from content.workflows import PostState

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2030, 3, 20, 12, 0, tzinfo=dt.UTC)


def _rule(**kw):
    defaults = {"frequency": Frequency.WEEKLY, "interval": 1, "weekdays": [0, 3],
                "month_day": None, "time": dt.time(9), "timezone": "Europe/Berlin",
                "starts_on": dt.date(2030, 3, 20), "until": None, "count": None}
    return RecurrenceRule(**{**defaults, **kw})


def test_weekly_on_chosen_weekdays_from_the_first_day():
    dates = list(zip(range(4), occurrence_dates(_rule()), strict=False))
    assert [d for _i, d in dates] == [dt.date(2030, 3, 21), dt.date(2030, 3, 25),
                                      dt.date(2030, 3, 28), dt.date(2030, 4, 1)]


def test_monthly_on_the_31st_uses_the_last_day_of_short_months_and_stops_at_count():
    rule = _rule(frequency=Frequency.MONTHLY, month_day=31, starts_on=dt.date(2030, 1, 1),
                 count=3)
    assert list(occurrence_dates(rule)) == [dt.date(2030, 1, 31), dt.date(2030, 2, 28),
                                            dt.date(2030, 3, 31)]


def test_every_n_days_until_a_date():
    rule = _rule(frequency=Frequency.DAILY, interval=10, until=dt.date(2030, 4, 10))
    assert list(occurrence_dates(rule)) == [dt.date(2030, 3, 20), dt.date(2030, 3, 30),
                                            dt.date(2030, 4, 9)]


@pytest.fixture
def series(org, make_post, member_of):
    approver = member_of("approver")
    template = make_post(author=approver, text="Weekly tip")
    rule = recurrence_create(post=template, actor=approver, now=NOW, spec=RuleSpec(
        frequency=Frequency.WEEKLY, weekdays=(0,), time=dt.time(9, 0),
        starts_on=dt.date(2030, 3, 20), count=20))
    return rule, approver


def test_each_occurrence_is_its_own_scheduled_post_at_the_rules_wall_clock_time(series):
    rule, _approver = series
    occurrences = list(rule.occurrences.select_related("post"))
    # 8 weeks ahead of NOW: Mondays 25.3. … 13.5.
    assert len(occurrences) == 8
    for occ in occurrences:
        assert occ.post.status == PostState.SCHEDULED
        assert occ.post.text == "Weekly tip"
        assert occ.post.scheduled_at == occ.occurrence_at
        local = to_wall_clock(occ.occurrence_at, "Europe/Berlin")
        assert (local.weekday(), local.time()) == (0, dt.time(9, 0))  # across the DST change
        assert occ.post.targets.count() == 2


def test_materialising_again_or_late_creates_nothing_twice(series):
    rule, _approver = series
    assert recurrence_materialise(rule=rule, now=NOW) == 0
    assert materialise_recurrences() >= 0  # the beat task, run "now" (years earlier than NOW)
    later = NOW + dt.timedelta(days=7, hours=5)  # a run a week later, at an odd hour
    created = recurrence_materialise(rule=rule, now=later)
    assert created == 1
    new = rule.occurrences.order_by("-occurrence_at").first()
    assert to_wall_clock(new.occurrence_at, "Europe/Berlin").time() == dt.time(9, 0)
    assert RecurrenceOccurrence.objects.filter(rule=rule).count() == 9
    assert Post.objects.filter(occurrence__rule=rule).count() == 9


def test_skipping_one_cancels_only_that_post(series):
    rule, approver = series
    first, second = rule.occurrences.select_related("post", "rule")[:2]
    recurrence_occurrence_skip(occurrence=first, actor=approver)
    first.refresh_from_db()
    first.post.refresh_from_db()
    assert first.skipped and first.post.status == PostState.CANCELLED
    second.post.refresh_from_db()
    assert second.post.status == PostState.SCHEDULED
    assert recurrence_materialise(rule=rule, now=NOW) == 0  # a skipped one is not recreated


def test_editing_this_one_or_all_future(series):
    rule, approver = series
    occs = list(rule.occurrences.select_related("post", "rule"))
    recurrence_edit_text(rule=rule, actor=approver, text="Only the first", scope="this",
                         occurrence=occs[0], now=NOW)
    recurrence_edit_text(rule=rule, actor=approver, text="New tip for all", scope="future",
                         now=NOW)
    texts = [Post.objects.get(pk=o.post_id).text for o in occs]
    assert texts[0] == "Only the first"
    assert set(texts[1:]) == {"New tip for all"}
    rule.template.refresh_from_db()
    assert rule.template.text == "New tip for all"


def test_where_approval_is_required_an_editors_occurrences_go_to_review(org, make_post,
                                                                         member_of):
    org.approval_required = True
    org.save()
    editor = member_of("editor")
    member_of("approver")
    template = make_post(author=editor)
    rule = recurrence_create(post=template, actor=editor, now=NOW, spec=RuleSpec(
        frequency=Frequency.DAILY, interval=7, time=dt.time(8), starts_on=dt.date(2030, 3, 21),
        count=2))
    statuses = {o.post.status for o in rule.occurrences.select_related("post")}
    assert statuses == {PostState.PENDING}
    assert rule.occurrences.first().post.scheduled_at == resolve_local(
        dt.datetime(2030, 3, 21, 8), "Europe/Berlin").at


def test_the_repeat_page_creates_a_series(org, make_post, member_of, login):
    approver = member_of("approver")
    post = make_post(author=approver)
    client = login(approver)
    bad = client.post(f"/o/{org.slug}/posts/{post.pk}/repeat/", {
        "frequency": "weekly", "interval": 1, "time": "09:00", "starts_on": "2030-03-20"})
    assert bad.status_code == 400 and "weekday" in bad.content.decode()
    assert not RecurrenceRule.objects.exists()
    ok = client.post(f"/o/{org.slug}/posts/{post.pk}/repeat/", {
        "frequency": "weekly", "interval": 1, "weekdays": ["0"], "time": "09:00",
        "starts_on": "2035-03-20", "count": 2})
    assert ok.status_code == 302
    assert RecurrenceRule.objects.get(template=post).weekdays == [0]
