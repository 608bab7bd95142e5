"""Dashboard aggregation: local days, DST, missing metrics, comparison periods, tenancy."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from analytics.models import AccountMetricSnapshot
from analytics.selectors import audience, inbox, posts, timing
from analytics.selectors.dashboard import dashboard_data, delta
from analytics.selectors.period import Period, period_for
from tests.analytics.helpers import measure, published
from tests.factories import ConnectedAccountFactory
from tests.inbox.factories import InboxItemFactory

UTC = dt.UTC
BERLIN = ZoneInfo("Europe/Berlin")
pytestmark = pytest.mark.django_db


def utc(*args):
    return dt.datetime(*args, tzinfo=UTC)


def test_a_post_published_at_2330_utc_counts_on_the_next_day_in_berlin(account, scope_for):
    published(account, utc(2026, 11, 10, 23, 30))
    scope = scope_for(dt.date(2026, 11, 10), dt.date(2026, 11, 11), [account])
    assert posts.posts_per_day(scope) == {dt.date(2026, 11, 11): 1}
    only_10th = scope_for(dt.date(2026, 11, 10), dt.date(2026, 11, 10), [account])
    assert posts.totals(only_10th, only_10th.period)["posts"] == 0


def test_period_boundaries_are_local_midnight_across_dst():
    # 29 March 2026: Berlin goes from UTC+1 to UTC+2 at 02:00.
    period = Period(first=dt.date(2026, 3, 29), last=dt.date(2026, 3, 29), tz=BERLIN)
    assert period.start == utc(2026, 3, 28, 23, 0)
    assert period.end == utc(2026, 3, 29, 22, 0)  # a 23-hour day


def test_heatmap_puts_posts_on_local_hours_on_both_sides_of_a_dst_change(account, scope_for):
    now = utc(2026, 11, 20, 12)
    before = published(account, utc(2026, 3, 28, 9, 0))  # Saturday, CET: 10:00
    after = published(account, utc(2026, 3, 30, 9, 0))  # Monday, CEST: 11:00
    autumn = published(account, utc(2026, 10, 25, 1, 30))  # Sunday, CET again: 02:30
    for target, likes in ((before, 10), (after, 20), (autumn, 30)):
        measure(target, likes=likes)
    scope = scope_for(dt.date(2026, 11, 1), dt.date(2026, 11, 20), [account])
    grid = timing.heatmap(scope, now=now)["grid"]
    filled = {(c["weekday"], c["hour"]): c["avg"] for day in grid for c in day if c["posts"]}
    # 25 Oct 2026 01:30 UTC is 02:30 CET (clocks went back at 03:00 CEST = 01:00 UTC).
    assert filled == {(6, 10): 10, (1, 11): 20, (7, 2): 30}


def test_a_metric_the_platform_does_not_report_is_not_available_not_zero(account, scope_for):
    target = published(account, timezone.now() - dt.timedelta(days=1))
    measure(target, likes=5, reposts=1)  # no impressions, like Mastodon
    today = timezone.now().astimezone(BERLIN).date()
    scope = scope_for(today - dt.timedelta(days=6), today, [account])
    totals = posts.totals(scope, scope.period)
    assert totals["impressions"] is None
    assert totals["clicks"] is None
    assert totals["likes"] == 5
    assert totals["engagements"] == 6
    assert totals["engagement_rate"] is None  # no impressions: no rate, never 0 %
    assert AccountMetricSnapshot.objects.count() == 0


def test_engagement_rate_only_counts_posts_whose_platform_reports_impressions(org, scope_for):
    x = ConnectedAccountFactory(organization=org, provider="x")
    masto = ConnectedAccountFactory(organization=org, provider="mastodon")
    now = timezone.now()
    measure(published(x, now - dt.timedelta(hours=5)), impressions=1000, likes=40, reposts=10)
    measure(published(masto, now - dt.timedelta(hours=5)), likes=500)
    today = now.astimezone(BERLIN).date()
    scope = scope_for(today - dt.timedelta(days=1), today, [x, masto])
    totals = posts.totals(scope, scope.period)
    assert totals["engagements"] == 550
    assert totals["engagement_rate"] == 5.0  # 50 / 1000, Mastodon's 500 likes left out


def test_comparison_periods_have_the_same_number_of_days():
    now = utc(2026, 3, 15, 12)
    for preset in ("7", "28", "90", "this_month", "last_month"):
        period = period_for(preset, BERLIN, now=now)
        previous = period.previous()
        assert previous.days == period.days
        assert previous.last == period.first - dt.timedelta(days=1)
    last_month = period_for("last_month", BERLIN, now=now)
    assert (last_month.first, last_month.last) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert last_month.previous().first == dt.date(2026, 1, 4)  # 28 days, not "January"


def test_totals_compare_with_the_previous_period(account, scope_for):
    measure(published(account, utc(2026, 11, 5, 10)), impressions=100, likes=10)
    measure(published(account, utc(2026, 10, 30, 10)), impressions=100, likes=4)
    measure(published(account, utc(2026, 10, 20, 10)), impressions=100, likes=99)  # too early
    scope = scope_for(dt.date(2026, 11, 1), dt.date(2026, 11, 7), [account])
    data = dashboard_data(scope)
    kpi = {k["key"]: k for k in data["kpis"]}
    assert kpi["engagements"]["value"] == 10
    assert kpi["engagements"]["previous"] == 4
    assert kpi["engagements"]["delta"] == {"diff": 6, "pct": 150.0, "up": True, "down": False}
    assert delta(None, 4) is None


def test_follower_growth_uses_the_last_value_of_each_local_day(account, scope_for):
    def snap(at, value):
        AccountMetricSnapshot.objects.create(
            organization=account.organization, account=account, metric="followers",
            value=value, source_field="followers_count", fetched_at=at, day=at.date())

    snap(utc(2026, 10, 30, 8), 90)  # the day before the period closed at 90
    snap(utc(2026, 11, 1, 8), 100)
    snap(utc(2026, 11, 1, 22, 30), 105)  # 23:30 in Berlin: still 1 Nov
    snap(utc(2026, 11, 2, 23, 30), 120)  # 00:30 on 3 Nov in Berlin
    scope = scope_for(dt.date(2026, 11, 1), dt.date(2026, 11, 3), [account])
    data = audience.follower_series(scope)
    assert data["series"][account.pk] == [105, None, 120]
    assert data["growth"] == 30  # 120 − 90
    assert data["latest"] == 120
    assert data["sources"][account.pk][0] == "followers_count"


def test_other_organisations_and_unselected_accounts_are_not_counted(org, other_org, account,
                                                                      scope_for):
    theirs = ConnectedAccountFactory(organization=other_org)
    mine_too = ConnectedAccountFactory(organization=org)
    when = utc(2026, 11, 5, 10)
    measure(published(account, when), likes=1)
    measure(published(mine_too, when), likes=10)
    measure(published(theirs, when), likes=100)
    scope = scope_for(dt.date(2026, 11, 1), dt.date(2026, 11, 7), [account, theirs])
    assert posts.totals(scope, scope.period)["likes"] == 1


def test_label_results_group_posts_per_label(account, scope_for):
    when = utc(2026, 11, 5, 10)
    measure(published(account, when, labels=["Spring sale"]), impressions=100, likes=10)
    measure(published(account, when, labels=["Spring sale", "Hiring"]), impressions=100, likes=2)
    measure(published(account, when), impressions=10, likes=1)
    scope = scope_for(dt.date(2026, 11, 1), dt.date(2026, 11, 7), [account])
    rows = {r["label"]: r for r in posts.label_rows(scope)}
    assert rows["Spring sale"]["posts"] == 2 and rows["Spring sale"]["engagements"] == 12
    assert rows["Hiring"]["engagement_rate"] == 2.0
    assert rows[None]["posts"] == 1


def test_inbox_volume_and_median_first_response_per_member(org, account, scope_for,
                                                             member_of):
    alice, bob = member_of("editor"), member_of("editor")
    base = utc(2026, 11, 3, 9)
    for minutes, who in ((10, alice), (30, alice), (50, alice), (5, bob)):
        InboxItemFactory(organization=org, account=account, created_at=base,
                         first_response_at=base + dt.timedelta(minutes=minutes),
                         first_responder=who)
    InboxItemFactory(organization=org, account=account, created_at=base)  # unanswered
    InboxItemFactory(organization=org, account=account, created_at=utc(2026, 10, 29, 9))
    scope = scope_for(dt.date(2026, 11, 1), dt.date(2026, 11, 7), [account])
    data = inbox.inbox_stats(scope)
    assert data["volume"] == 5 and data["previous_volume"] == 1
    by_member = {r["member"]: r for r in data["members"]}
    assert by_member[alice.display_name]["median_minutes"] == 30
    assert by_member[alice.display_name]["answered"] == 3
    assert by_member[bob.display_name]["median_minutes"] == 5
    assert data["median_minutes"] == 20  # of 5, 10, 30, 50


def test_top_and_bottom_posts_leave_unmeasured_posts_out(account, scope_for):
    when = utc(2026, 11, 5, 10)
    best = published(account, when, text="best")
    worst = published(account, when, text="worst")
    published(account, when, text="not measured yet")
    measure(best, likes=50)
    measure(worst, likes=1)
    scope = scope_for(dt.date(2026, 11, 1), dt.date(2026, 11, 7), [account])
    data = dashboard_data(scope)
    assert [r.target.post.text for r in data["top"]] == ["best", "worst"]
    assert [r.target.post.text for r in data["bottom"]] == ["worst", "best"]
