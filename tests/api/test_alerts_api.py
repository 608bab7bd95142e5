import datetime as dt
import json
import socket

import pytest
import responses

from accounts.roles import Role
from api.models import WebhookDelivery
from api.services.webhooks import webhook_endpoint_create
from inbox.services.alerts import alerts_detect
from tests.inbox.factories import InboxItemFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
HOOK = "https://hooks.example.com/alerts"


@pytest.fixture(autouse=True)
def public_dns(monkeypatch):
    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):
        if host == "hooks.example.com":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 443))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)


def _wave(org, account, n=7):
    for i in range(n):
        InboxItemFactory(organization=org, account=account, sentiment="negative",
                         created_at=NOW - dt.timedelta(minutes=5 + i))


@responses.activate
def test_a_raised_alert_is_an_alert_raised_webhook(org, owner, account,
                                                   django_capture_on_commit_callbacks):
    responses.post(HOOK, json={"ok": True})
    webhook_endpoint_create(organization=org, actor=owner, url=HOOK, events=["alert.raised"])
    _wave(org, account)
    with django_capture_on_commit_callbacks(execute=True):
        (alert,) = alerts_detect(org, now=NOW)
    delivery = WebhookDelivery.objects.get(event="alert.raised")
    body = json.loads(responses.calls[0].request.body)
    assert body["event"] == "alert.raised" and delivery.status == "succeeded"
    assert body["data"]["alert"]["id"] == alert.pk and body["data"]["alert"]["count"] == 7


def test_the_api_lists_and_acknowledges_alerts(org, account, api, issue_token):
    _wave(org, account)
    (alert,) = alerts_detect(org, now=NOW)
    viewer = api(issue_token(org, Role.VIEWER))
    (row,) = viewer.get("/api/v1/inbox/alerts/").json()
    assert (row["id"], row["kind"], row["count"], row["acknowledged_at"]) == (
        alert.pk, "negative", 7, None)
    assert viewer.post(f"/api/v1/inbox/alerts/{alert.pk}/acknowledge/").status_code == 403
    editor = api(issue_token(org, Role.EDITOR))
    response = editor.post(f"/api/v1/inbox/alerts/{alert.pk}/acknowledge/")
    assert response.status_code == 200 and response.json()["acknowledged_at"]
