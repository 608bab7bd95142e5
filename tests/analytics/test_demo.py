"""The analytics demo history: real charts for a newcomer, and idempotent."""

import pytest

from accounts.roles import Role
from analytics.demo import DAYS, seed
from analytics.models import AccountMetricSnapshot, PostMetricSnapshot, TargetMetrics
from content.models import PostTarget
from tests.factories import ConnectedAccountFactory

pytestmark = pytest.mark.django_db


def test_demo_history_fills_the_dashboard_and_runs_once(org, owner, member_of, login):
    users = {Role.OWNER: owner, Role.EDITOR: member_of(Role.EDITOR),
             Role.APPROVER: member_of(Role.APPROVER), Role.ADMIN: member_of(Role.ADMIN)}
    account = ConnectedAccountFactory(organization=org, provider="sandbox",
                                      handle="@acme_coffee")
    seed(org, users)
    counts = (PostTarget.objects.count(), PostMetricSnapshot.objects.count(),
              AccountMetricSnapshot.objects.count())
    assert counts[0] > 10 and counts[1] > 4 * counts[0] and counts[2] == 3 * DAYS
    # Nothing estimated: a Mastodon-like account reports no reach or clicks.
    assert not PostMetricSnapshot.objects.filter(reach__isnull=False).exists()
    assert not TargetMetrics.objects.filter(next_due_at__isnull=False).exists()
    seed(org, users)
    assert (PostTarget.objects.count(), PostMetricSnapshot.objects.count(),
            AccountMetricSnapshot.objects.count()) == counts

    data = login(owner).get(f"/o/{org.slug}/analytics/?range=28").context["data"]
    assert data["totals"]["posts"] > 10
    assert data["followers"]["growth"] is not None
    assert any(v is not None for v in data["followers"]["series"][account.pk])
    assert data["heatmap"]["posts"] > 10 and data["labels"]


def test_each_network_shape_reports_its_own_metrics(org, owner):
    users = {Role.OWNER: owner, Role.EDITOR: owner}
    insta = ConnectedAccountFactory(organization=org, provider="sandbox", handle="@pics",
                                    settings={"shape": {"key": "instagram",
                                                       "metrics": ["impressions", "reach",
                                                                   "saves"]}})
    toot = ConnectedAccountFactory(organization=org, provider="sandbox", handle="@toots",
                                   settings={"shape": {"key": "mastodon",
                                                      "metrics": ["impressions", "quotes"]}})
    seed(org, users)
    pics = TargetMetrics.objects.filter(account=insta)
    assert pics.exists() and not pics.filter(reach__isnull=True).exists()
    assert not pics.filter(saves__isnull=True).exists()
    assert not TargetMetrics.objects.filter(account=toot, reach__isnull=False).exists()
    assert not TargetMetrics.objects.filter(account=toot, impressions__isnull=True).exists()
