"""The analytics demo history: real charts for a newcomer, and idempotent."""

import pytest

from accounts.roles import Role
from analytics.demo import seed
from analytics.models import AccountMetricSnapshot, PostMetricSnapshot, TargetMetrics
from content.models import PostTarget
from inbox.models import InboxItem
from tests.factories import ConnectedAccountFactory

pytestmark = pytest.mark.django_db


def test_demo_history_fills_the_dashboard_and_runs_once(org, owner, member_of, login):
    users = {Role.OWNER: owner, Role.EDITOR: member_of(Role.EDITOR),
             Role.APPROVER: member_of(Role.APPROVER), Role.ADMIN: member_of(Role.ADMIN)}
    account = ConnectedAccountFactory(organization=org, provider="sandbox",
                                      handle="@acme_coffee")
    seed(org, users)
    counts = (PostTarget.objects.count(), PostMetricSnapshot.objects.count(),
              AccountMetricSnapshot.objects.count(), InboxItem.objects.count())
    assert counts[0] > 50 and counts[1] > 5 * counts[0] and counts[2] == 3 * 120
    assert counts[3] > 100
    # Nothing estimated: the sandbox reports no reach or clicks, so neither has a value.
    assert not PostMetricSnapshot.objects.filter(reach__isnull=False).exists()
    assert not TargetMetrics.objects.filter(next_due_at__isnull=False).exists()
    seed(org, users)
    assert (PostTarget.objects.count(), PostMetricSnapshot.objects.count(),
            AccountMetricSnapshot.objects.count(), InboxItem.objects.count()) == counts

    data = login(owner).get(f"/o/{org.slug}/analytics/?range=90").context["data"]
    assert data["totals"]["posts"] > 30
    assert data["followers"]["growth"] is not None
    assert any(v is not None for v in data["followers"]["series"][account.pk])
    assert data["heatmap"]["posts"] > 30 and data["labels"]
    assert data["inbox"]["members"]
