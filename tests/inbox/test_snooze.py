"""Snooze: a conversation leaves the open list until a chosen time, then it is back and
whoever snoozed it is told; with undo, bulk, the API, the audit log and the open count."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.services.errors import ServiceError
from content.models import Notification
from inbox.models import InboxItem, ItemStatus
from inbox.selectors import ItemFilters, filtered_items
from inbox.services.counts import open_count
from inbox.services.snooze import (
    inbox_items_snooze,
    inbox_wake_snoozed,
    snooze_presets,
    snooze_until_from,
)
from tests.factories import ConnectedAccountFactory
from tests.inbox.factories import InboxItemFactory
from tests.inbox.test_flow import htmx, url

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def account(org):
    return ConnectedAccountFactory(organization=org)


def test_presets_are_the_persons_morning():
    now = dt.datetime(2026, 12, 9, 16, 30, tzinfo=dt.UTC)  # a Wednesday, 17:30 in Berlin
    presets = {p.key: p.until for p in snooze_presets(now, BERLIN)}
    assert presets["1h"] == now + dt.timedelta(hours=1)
    assert presets["tomorrow"] == dt.datetime(2026, 12, 10, 9, 0, tzinfo=BERLIN)
    assert presets["monday"] == dt.datetime(2026, 12, 14, 9, 0, tzinfo=BERLIN)
    assert presets["week"] == now + dt.timedelta(days=7)


def test_a_time_must_be_between_now_and_a_year():
    now = timezone.now()
    with pytest.raises(ServiceError, match="future"):
        snooze_until_from(until=now - dt.timedelta(hours=1), now=now, tz=BERLIN)
    with pytest.raises(ServiceError, match="at most a year"):
        snooze_until_from(until=now + dt.timedelta(days=400), now=now, tz=BERLIN)
    with pytest.raises(ServiceError):
        snooze_until_from(preset="someday", now=now, tz=BERLIN)
    naive = (now + dt.timedelta(days=30)).replace(tzinfo=None, microsecond=0)
    assert snooze_until_from(until=naive, now=now, tz=BERLIN) == naive.replace(tzinfo=BERLIN)


def test_snoozed_items_leave_the_open_list_and_count_and_come_back_on_time(
        org, owner, account):
    item, other = InboxItemFactory.create_batch(2, organization=org, account=account)
    before = open_count(org.pk)
    inbox_items_snooze(organization=org, item_ids=[item.pk],
                       until=timezone.now() + dt.timedelta(hours=2), actor=owner)
    open_ids = set(filtered_items(org, ItemFilters()).values_list("pk", flat=True))
    snoozed = set(filtered_items(org, ItemFilters(status="snoozed")).values_list("pk", flat=True))
    assert item.pk not in open_ids and other.pk in open_ids and snoozed == {item.pk}
    assert open_count(org.pk) == before - 1
    # Time passes: the list compares with the clock, so it is back before any worker runs.
    InboxItem.objects.filter(pk=item.pk).update(snoozed_until=timezone.now()
                                                - dt.timedelta(seconds=1))
    assert filtered_items(org, ItemFilters()).filter(pk=item.pk).exists()


def test_the_wake_task_clears_the_snooze_and_tells_who_snoozed_it(org, owner, account):
    owner.language = "de"
    owner.save()
    item = InboxItemFactory(organization=org, account=account, author_name="Jo")
    done = InboxItemFactory(organization=org, account=account)
    inbox_items_snooze(organization=org, item_ids=[item.pk, done.pk],
                       until=timezone.now() + dt.timedelta(minutes=5), actor=owner)
    InboxItem.objects.filter(pk=done.pk).update(status=ItemStatus.DONE)
    assert inbox_wake_snoozed() == 0  # not yet
    assert inbox_wake_snoozed(now=timezone.now() + dt.timedelta(minutes=6)) == 2
    item.refresh_from_db()
    assert item.snoozed_until is None and item.snoozed_by is None
    notices = list(Notification.objects.filter(user=owner, verb="inbox.item.snooze_ended"))
    assert len(notices) == 1  # the done one was handled meanwhile: no notice
    assert "Jo" in notices[0].message and "wieder im Posteingang" in notices[0].message


def test_only_open_items_of_the_organisation_can_be_snoozed(org, owner, account):
    done = InboxItemFactory(organization=org, account=account, status=ItemStatus.DONE)
    stranger = InboxItemFactory()
    until = timezone.now() + dt.timedelta(hours=1)
    for item in (done, stranger):
        with pytest.raises(ServiceError):
            inbox_items_snooze(organization=org, item_ids=[item.pk], until=until, actor=owner)
    assert not InboxItem.objects.filter(snoozed_until__isnull=False).exists()


def test_snooze_from_the_conversation_opens_the_next_and_undo_brings_it_back(
        login, owner, org, account):
    newest, older = sorted(InboxItemFactory.create_batch(2, organization=org, account=account),
                           key=lambda i: i.created_at, reverse=True)
    client = login(owner)
    page = client.get(url("inbox_item", org, pk=newest.pk)).content.decode()
    assert 'aria-keyshortcuts="s"' in page and "Tomorrow morning" in page
    r = client.post(url("inbox_item_snooze", org, pk=newest.pk), {"preset": "tomorrow"},
                    headers=htmx(org))
    assert r.status_code == 200 and r.context["item"] == older
    body = r.content.decode()
    assert "Snoozed until" in body and 'value="unsnooze"' in body
    assert json.loads(r["HX-Trigger-After-Settle"])["inbox:advanced"]["removed"] is True
    newest.refresh_from_db()
    assert newest.is_snoozed and newest.snoozed_by == owner
    entry = AuditEntry.objects.get(verb="inbox.item.snoozed")
    assert entry.details["items"] == [newest.pk]
    r = client.post(url("inbox_item_snooze", org, pk=newest.pk), {"action": "unsnooze"},
                    headers=htmx(org))
    assert r.status_code == 200 and "Back in the open list." in r.content.decode()
    newest.refresh_from_db()
    assert not newest.is_snoozed
    assert AuditEntry.objects.filter(verb="inbox.item.unsnoozed").exists()
    # The audit log reads as sentences, in English.
    log = client.get(f"/o/{org.slug}/settings/audit/").content.decode()
    assert "snoozed the conversation with" in log and "back" in log


def test_a_custom_time_is_the_persons_local_time_and_bad_input_changes_nothing(
        login, owner, org, account):
    owner.timezone = "Europe/Berlin"
    owner.save()
    item = InboxItemFactory(organization=org, account=account)
    client = login(owner)
    for bad in ({"until": "2020-01-01T10:00"}, {"until": "nonsense"}, {}):
        r = client.post(url("inbox_item_snooze", org, pk=item.pk), bad, headers=htmx(org))
        assert r.status_code == 400
    item.refresh_from_db()
    assert item.snoozed_until is None
    next_year = timezone.now().year + 1
    client.post(url("inbox_item_snooze", org, pk=item.pk),
                {"until": f"{next_year}-03-02T10:00"}, headers=htmx(org))
    item.refresh_from_db()
    assert item.snoozed_until == dt.datetime(next_year, 3, 2, 10, 0, tzinfo=BERLIN)


def test_bulk_snooze_with_undo(login, owner, org, account):
    items = InboxItemFactory.create_batch(3, organization=org, account=account)
    client = login(owner)
    r = client.post(url("inbox_bulk", org), {"items": [i.pk for i in items],
                                             "action": "snooze", "snooze": "3h"},
                    headers=htmx(org))
    body = r.content.decode()
    assert r.status_code == 200 and "3 items snoozed until" in body
    assert 'value="unsnooze"' in body
    assert InboxItem.objects.filter(snoozed_until__isnull=False).count() == 3
    r = client.post(url("inbox_bulk", org), {"items": [i.pk for i in items],
                                             "action": "unsnooze", "undo": "1"},
                    headers=htmx(org))
    assert "3 items are back in the open list." in r.content.decode()
    assert not InboxItem.objects.filter(snoozed_until__isnull=False).exists()


def test_viewers_cannot_snooze_and_other_organisations_items_are_404(
        login, org, account, member_of):
    viewer = member_of("viewer")
    item = InboxItemFactory(organization=org, account=account)
    assert login(viewer).post(url("inbox_item_snooze", org, pk=item.pk),
                              {"preset": "1h"}).status_code == 403
    stranger = InboxItemFactory()
    editor = member_of("editor")
    assert login(editor).post(url("inbox_item_snooze", org, pk=stranger.pk),
                              {"preset": "1h"}).status_code == 404
