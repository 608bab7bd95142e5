"""Spike alerts: the account's own baseline decides, alerts are rate-limited, people are told."""

import datetime as dt

import pytest
from django.core import mail

from accounts.models import AuditEntry
from accounts.roles import Role
from content.models import Notification
from inbox.models import Alert
from inbox.services.alerts import alerts_detect, spike_threshold
from tests.factories import ConnectedAccountFactory, MembershipFactory, OrganizationFactory
from tests.inbox.factories import InboxItemFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


def _items(account, n, *, hours_ago: float, kind="comment", sentiment="negative", spread=50):
    for i in range(n):
        InboxItemFactory(organization=account.organization, account=account, kind=kind,
                         sentiment=sentiment, text=f"Terrible service {i} {hours_ago}",
                         created_at=NOW - dt.timedelta(hours=hours_ago, minutes=i % spread))


def _history(account, per_hour: int, *, kind="comment", sentiment="negative", days=14):
    """`per_hour` items in every hour of the `days` before the last hour."""
    for hour in range(2, days * 24):
        _items(account, per_hour, hours_ago=hour, kind=kind, sentiment=sentiment, spread=59)


def test_threshold_is_robust_against_one_odd_hour_and_needs_a_handful():
    quiet = [0] * 335 + [40]  # one odd hour in two weeks does not move the median
    assert spike_threshold(quiet) == (0, 5)
    busy = [10] * 300 + [12] * 36
    median, threshold = spike_threshold(busy)
    assert median == 10 and threshold == 30  # 3 × the usual, more than median + 4 spreads


def test_a_quiet_account_with_a_wave_of_negative_items_raises_one_alert(org, settings):
    settings.ALERT_MIN_ITEMS = 5
    account = ConnectedAccountFactory(organization=org)
    approver = MembershipFactory(organization=org, role=Role.APPROVER).user
    editor = MembershipFactory(organization=org, role=Role.EDITOR).user
    _items(account, 2, hours_ago=30)
    _items(account, 8, hours_ago=0.5)
    _items(account, 6, hours_ago=0.4, sentiment="positive")  # praise is not a crisis
    (alert,) = alerts_detect(org, now=NOW)
    assert (alert.kind, alert.count, alert.threshold, alert.baseline) == ("negative", 8, 5, 0)
    assert len(alert.item_ids) == 8
    assert Notification.objects.filter(user=approver, verb="inbox.alert.raised").exists()
    assert not Notification.objects.filter(user=editor).exists()
    assert AuditEntry.objects.filter(verb="inbox.alert.raised").count() == 1
    # Rate limit: the next runs raise nothing new; a bigger wave updates the open alert.
    assert alerts_detect(org, now=NOW + dt.timedelta(minutes=10)) == []
    _items(account, 4, hours_ago=0.1)
    assert alerts_detect(org, now=NOW + dt.timedelta(minutes=10)) == []
    alert.refresh_from_db()
    assert alert.count == 12 and Alert.objects.count() == 1


def test_the_alert_email_reaches_approvers(org, settings, django_capture_on_commit_callbacks):
    account = ConnectedAccountFactory(organization=org, handle="@acme")
    MembershipFactory(organization=org, role=Role.ADMIN, user__email="lead@example.com")
    _items(account, 9, hours_ago=0.5)
    with django_capture_on_commit_callbacks(execute=True):
        alerts_detect(org, now=NOW)
    (message,) = [m for m in mail.outbox if "lead@example.com" in m.to]
    assert "9 negative items for @acme" in message.subject
    assert "/inbox/alerts/" in message.body


def test_mentions_on_an_account_that_is_always_busy_raise_nothing(org, settings):
    settings.ALERT_BASELINE_DAYS = 2
    account = ConnectedAccountFactory(organization=org)
    _history(account, 3, kind="mention", sentiment="", days=2)
    _items(account, 8, hours_ago=0.5, kind="mention", sentiment="")
    assert alerts_detect(org, now=NOW) == []  # 8 < max(5, 9, 3 + 4 × 1.73)
    _items(account, 6, hours_ago=0.3, kind="mention", sentiment="")
    (alert,) = alerts_detect(org, now=NOW)
    assert (alert.kind, alert.count, alert.baseline) == ("mentions", 14, 3)


def test_another_organisation_is_never_counted(org):
    other = OrganizationFactory()
    _items(ConnectedAccountFactory(organization=other), 20, hours_ago=0.5)
    assert alerts_detect(org, now=NOW) == []
    assert Alert.objects.count() == 0


def test_alerts_page_lists_items_and_acknowledging_is_audited(org, owner, login):
    account = ConnectedAccountFactory(organization=org, handle="@acme")
    _items(account, 7, hours_ago=0.5)
    (alert,) = alerts_detect(org, now=NOW)
    client = login(owner)
    inbox = client.get(f"/o/{org.slug}/inbox/").content.decode()
    assert "1 spike alert is open" in inbox
    page = client.get(f"/o/{org.slug}/inbox/alerts/").content.decode()
    assert "7 negative items for @acme" in page and "Terrible service 0" in page
    assert "Acknowledge" in page
    response = client.post(f"/o/{org.slug}/inbox/alerts/{alert.pk}/acknowledge/")
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == owner
    assert AuditEntry.objects.filter(verb="inbox.alert.acknowledged").count() == 1
    assert "spike alert is open" not in client.get(f"/o/{org.slug}/inbox/").content.decode()
    audit = client.get(f"/o/{org.slug}/settings/audit/").content.decode()
    assert "acknowledged the spike alert of 7 negative items" in audit


def test_a_viewer_cannot_acknowledge_and_other_orgs_alerts_are_404(org, login):
    viewer = MembershipFactory(organization=org, role=Role.VIEWER).user
    account = ConnectedAccountFactory(organization=org)
    _items(account, 7, hours_ago=0.5)
    (ours,) = alerts_detect(org, now=NOW)
    assert login(viewer).post(
        f"/o/{org.slug}/inbox/alerts/{ours.pk}/acknowledge/").status_code == 403
    other = OrganizationFactory()
    _items(ConnectedAccountFactory(organization=other), 7, hours_ago=0.5)
    (theirs,) = alerts_detect(other, now=NOW)
    owner = MembershipFactory(organization=org, role=Role.OWNER).user
    assert login(owner).post(
        f"/o/{org.slug}/inbox/alerts/{theirs.pk}/acknowledge/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.acknowledged_at is None

