"""Collection against the real sandbox network: buckets, snapshots kept, rate limits, auth."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import AccountStatus
from analytics.models import (
    AccountMetricSnapshot,
    MetricsSchedule,
    PostMetricSnapshot,
    TargetMetrics,
)
from analytics.services.collection import (
    accounts_due,
    metrics_collect_account,
    metrics_enqueue_due,
)
from analytics.services.schedule import first_bucket, next_bucket
from platforms.base import PublishRequest
from platforms.registry import get_provider
from tests.analytics.helpers import published
from tests.factories import ConnectedAccountFactory

pytestmark = pytest.mark.django_db
ROUTE = "GET /api/v1/statuses"


def _publish(account, text):
    return get_provider("sandbox").publish(account, PublishRequest(text=text,
                                                                   idempotency_key=text))


@pytest.fixture
def live(org, sandbox, connect_sandbox_account):
    """A connected sandbox account and one real status on it, published two hours ago."""
    account = connect_sandbox_account(org, "acme_coffee")
    remote = _publish(account, "Fresh beans today")
    sandbox.knobs(clock_offset_s=2 * 3600)  # the network lives two hours on: counts grew
    target = published(account, timezone.now() - dt.timedelta(hours=2), remote_id=remote.id,
                       track=False)
    return account, target


def test_schedule_grows_from_one_hour_to_thirty_days():
    t0 = dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)
    assert first_bucket(t0, t0 + dt.timedelta(minutes=5)) == (1, t0 + dt.timedelta(hours=1))
    assert first_bucket(t0, t0 + dt.timedelta(hours=30)) == (24, t0 + dt.timedelta(hours=30))
    assert next_bucket(t0, t0 + dt.timedelta(hours=1)) == (6, t0 + dt.timedelta(hours=6))
    assert next_bucket(t0, t0 + dt.timedelta(days=8)) == (720, t0 + dt.timedelta(days=30))
    assert next_bucket(t0, t0 + dt.timedelta(days=31)) == (None, None)


def test_collects_account_and_post_metrics_with_their_sources(live, sandbox):
    account, target = live
    assert metrics_enqueue_due() == [account.pk]
    row = TargetMetrics.objects.get(target=target)
    assert row.next_bucket == 1  # two hours old: the 1-hour capture is taken at once

    outcome = metrics_collect_account(account_id=account.pk)
    assert (outcome.account_snapshots, outcome.post_snapshots, outcome.stopped) == (3, 1, "")

    followers = AccountMetricSnapshot.objects.get(account=account, metric="followers")
    assert followers.source_field == "followers_count" and followers.value > 0
    snap = PostMetricSnapshot.objects.get(target=target)
    assert snap.age_bucket == 1
    assert snap.impressions > 0 and snap.sources["impressions"] == "impressions_count"
    assert snap.sources["likes"] == "favourites_count"
    # The sandbox does not report reach, clicks or saves: NULL, never 0.
    assert snap.reach is None and snap.clicks is None and snap.saves is None
    row.refresh_from_db()
    assert row.next_bucket == 6 and row.impressions == snap.impressions
    assert row.sources["likes"]["field"] == "favourites_count"


def test_snapshots_are_kept_not_overwritten(live, sandbox):
    account, target = live
    metrics_enqueue_due()
    metrics_collect_account(account_id=account.pk)
    later = timezone.now() + dt.timedelta(hours=5)
    sandbox.knobs(clock_offset_s=7 * 3600)
    assert accounts_due(now=later) == [account.pk]
    outcome = metrics_collect_account(account_id=account.pk, now=later)
    assert outcome.post_snapshots == 1 and outcome.account_snapshots == 0  # daily only
    first, second = PostMetricSnapshot.objects.filter(target=target).order_by("fetched_at")
    assert (first.age_bucket, second.age_bucket) == (1, 6)
    assert second.impressions >= first.impressions
    assert TargetMetrics.objects.get(target=target).next_bucket == 24


def test_nothing_is_due_right_after_collecting(live):
    account, _target = live
    metrics_enqueue_due()
    metrics_collect_account(account_id=account.pk)
    assert accounts_due(now=timezone.now()) == []


def test_a_rate_limit_pauses_the_account_until_retry_after(live, sandbox):
    account, target = live
    metrics_enqueue_due()
    sandbox.faults({"route": ROUTE, "fault": "rate_limited", "retry_after": 120, "times": 1})
    now = timezone.now()
    outcome = metrics_collect_account(account_id=account.pk, now=now)
    assert outcome.stopped == "rate_limited"
    assert outcome.account_snapshots == 3  # taken before the limit hit
    assert PostMetricSnapshot.objects.count() == 0
    schedule = MetricsSchedule.objects.get(account=account)
    assert schedule.blocked_until == now + dt.timedelta(seconds=120)
    assert TargetMetrics.objects.get(target=target).next_due_at == schedule.blocked_until
    assert accounts_due(now=now + dt.timedelta(seconds=60)) == []
    calls_before = sandbox.stats()["calls"].get(ROUTE, 0)
    # A run during the pause does not call the platform at all.
    assert metrics_collect_account(account_id=account.pk,
                                   now=now + dt.timedelta(seconds=60)).stopped == "leased"
    assert sandbox.stats()["calls"].get(ROUTE, 0) == calls_before
    after = now + dt.timedelta(seconds=121)
    assert accounts_due(now=after) == [account.pk]
    assert metrics_collect_account(account_id=account.pk, now=after).post_snapshots == 1


def test_expired_authorisation_marks_the_account_and_stops(live, sandbox):
    account, _target = live
    metrics_enqueue_due()
    sandbox.expire_tokens(account.external_id, revoke_refresh=True)
    outcome = metrics_collect_account(account_id=account.pk)
    assert outcome.stopped == "auth_expired"
    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_RECONNECT
    assert PostMetricSnapshot.objects.count() == 0
    assert accounts_due(now=timezone.now()) == []  # not collected until reconnected
    assert metrics_collect_account(account_id=account.pk).stopped == "not_usable"


def test_remote_ids_are_batched_and_snapshots_bulk_inserted(org, sandbox, connect_sandbox_account,
                                                            django_assert_max_num_queries):
    account = connect_sandbox_account(org, "acme_batch")
    when = timezone.now() - dt.timedelta(hours=2)
    for i in range(45):
        published(account, when, remote_id=_publish(account, f"post {i}").id, track=False)
    metrics_enqueue_due()
    before = sandbox.stats()["calls"].get(ROUTE, 0)
    with django_assert_max_num_queries(20):
        outcome = metrics_collect_account(account_id=account.pk)
    assert outcome.post_snapshots == 45
    assert sandbox.stats()["calls"][ROUTE] - before == 2  # 40 ids per sandbox call


def test_a_platform_without_post_metrics_is_recorded_as_not_available(org):
    member = ConnectedAccountFactory(organization=org, provider="linkedin",
                                     external_id="urn:li:person:abc")
    target = published(member, timezone.now() - dt.timedelta(hours=2))
    outcome = metrics_collect_account(account_id=member.pk)
    assert outcome.stopped == ""
    row = TargetMetrics.objects.get(target=target)
    assert row.unsupported and row.next_due_at is None and row.likes is None
    schedule = MetricsSchedule.objects.get(account=member)
    assert schedule.account_metrics_unsupported
