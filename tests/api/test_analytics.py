import datetime as dt

from django.utils import timezone

from accounts.roles import Role
from tests.analytics.helpers import measure, published
from tests.factories import ConnectedAccountFactory

URL = "/api/v1/analytics/summary/"


def test_summary_has_period_and_per_account_totals(org, api, issue_token):
    first, second = (ConnectedAccountFactory(organization=org) for _ in range(2))
    yesterday = timezone.now() - dt.timedelta(days=1)
    measure(published(first, yesterday), impressions=1000, likes=30, replies=10)
    measure(published(second, yesterday), impressions=500, likes=5)
    measure(published(first, timezone.now() - dt.timedelta(days=40)), impressions=99)
    other = ConnectedAccountFactory()  # another organisation's numbers never count
    measure(published(other, yesterday), impressions=10**6)
    body = api(issue_token(org, Role.VIEWER)).get(URL, {"range": "28"}).json()
    assert body["totals"]["posts"] == 2 and body["totals"]["impressions"] == 1500
    assert body["totals"]["likes"] == 35
    assert body["previous_totals"]["posts"] == 1
    assert body["previous_totals"]["impressions"] == 99
    per_account = {a["account"]: a["totals"] for a in body["accounts"]}
    assert per_account[first.pk]["impressions"] == 1000
    assert per_account[second.pk]["impressions"] == 500
    assert (dt.date.fromisoformat(body["period"]["last"])
            - dt.date.fromisoformat(body["period"]["first"])).days == 27
    assert body["period"]["timezone"] == org.timezone


def test_summary_for_chosen_accounts_and_custom_range(org, api, issue_token):
    first, second = (ConnectedAccountFactory(organization=org) for _ in range(2))
    when = timezone.now() - dt.timedelta(days=3)
    measure(published(first, when), impressions=10)
    measure(published(second, when), impressions=20)
    start = (when - dt.timedelta(days=1)).date().isoformat()
    end = timezone.now().date().isoformat()
    body = api(issue_token(org, Role.VIEWER)).get(
        URL, {"range": "custom", "start": start, "end": end, "account": [second.pk]}).json()
    assert body["totals"]["impressions"] == 20
    assert [a["account"] for a in body["accounts"]] == [second.pk]


def test_bad_summary_queries_are_400(org, api, issue_token):
    other = ConnectedAccountFactory()
    client = api(issue_token(org, Role.VIEWER))
    assert "start" in client.get(URL, {"range": "custom"}).json()["errors"]
    assert "range" in client.get(URL, {"range": "forever"}).json()["errors"]
    foreign = client.get(URL, {"account": [other.pk]})
    # A well-formed id that names no account of the organisation: 422, as in a new post.
    assert foreign.status_code == 422 and foreign.json()["code"] == "account"
