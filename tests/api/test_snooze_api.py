"""Snooze through the REST API: snooze, the snoozed list, unsnooze, bad times refused."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.inbox.factories import InboxItemFactory

pytestmark = pytest.mark.django_db


def test_the_api_snoozes_lists_and_unsnoozes(org, account, api, issue_token):
    item = InboxItemFactory(organization=org, account=account)
    client = api(issue_token(org))
    until = (timezone.now() + dt.timedelta(days=1)).isoformat()
    r = client.post(f"/api/v1/inbox/items/{item.pk}/snooze/", {"until": until}, format="json")
    assert r.status_code == 200 and r.json()["snoozed_until"]
    assert [i["id"] for i in client.get("/api/v1/inbox/items/").json()["results"]] == []
    listed = client.get("/api/v1/inbox/items/", {"status": "snoozed"}).json()["results"]
    assert [i["id"] for i in listed] == [item.pk]
    bad = client.post(f"/api/v1/inbox/items/{item.pk}/snooze/",
                      {"until": "2001-01-01T00:00:00Z"}, format="json")
    assert bad.status_code == 400
    item.refresh_from_db()
    assert item.snoozed_until is not None  # the refused call changed nothing
    r = client.post(f"/api/v1/inbox/items/{item.pk}/unsnooze/")
    assert r.status_code == 200 and r.json()["snoozed_until"] is None


def test_viewer_tokens_cannot_snooze_and_other_organisations_items_are_404(
        org, account, other_account, api, issue_token):
    item = InboxItemFactory(organization=org, account=account)
    until = (timezone.now() + dt.timedelta(days=1)).isoformat()
    viewer = api(issue_token(org, "viewer"))
    assert viewer.post(f"/api/v1/inbox/items/{item.pk}/snooze/", {"until": until},
                       format="json").status_code == 403
    stranger = InboxItemFactory(organization=other_account.organization, account=other_account)
    editor = api(issue_token(org))
    assert editor.post(f"/api/v1/inbox/items/{stranger.pk}/snooze/", {"until": until},
                       format="json").status_code == 404
