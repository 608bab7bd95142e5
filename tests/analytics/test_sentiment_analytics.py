"""Sentiment over time in analytics: per day, account, network and label, with a net score."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from analytics.reports.csv import csv_rows
from analytics.reports.pdf import render_report
from analytics.selectors.dashboard import dashboard_data
from analytics.selectors.sentiment import net_score, sentiment_stats
from tests.analytics.helpers import published
from tests.factories import ConnectedAccountFactory
from tests.inbox.factories import InboxItemFactory

pytestmark = pytest.mark.django_db


def _items(account, labels, *, hours_ago=2, kind="comment", root=""):
    now = timezone.now()
    for i, label in enumerate(labels):
        InboxItemFactory(organization=account.organization, account=account, kind=kind,
                         sentiment=label, thread_root_remote_id=root,
                         created_at=now - dt.timedelta(hours=hours_ago, minutes=i))


def _scope(scope_for, org, accounts, days=28):
    today = timezone.now().astimezone(dt.UTC).date()
    return scope_for(today - dt.timedelta(days=days - 1), today, accounts)


def test_net_score_is_positive_minus_negative_per_hundred():
    assert net_score({"positive": 3, "neutral": 1, "negative": 0}) == 75
    assert net_score({"positive": 1, "negative": 3}) == -50
    assert net_score({}) is None


def test_counts_per_account_network_day_and_the_previous_period(org, account, scope_for):
    other = ConnectedAccountFactory(organization=org, provider="mastodon", display_name="Masto")
    _items(account, ["positive", "positive", "negative", "neutral"])
    _items(other, ["negative", "negative"])
    _items(account, [""])  # not analysed yet: counted apart, not in the score
    _items(account, ["negative"], kind="listening")  # about a keyword, not about us
    _items(account, ["negative", "negative"], hours_ago=24 * 40)  # the period before
    stats = sentiment_stats(_scope(scope_for, org, [account, other]))
    assert stats["counts"] == {"negative": 3, "neutral": 1, "positive": 2}
    assert stats["unanalysed"] == 1
    assert stats["net"] == round(100 * (2 - 3) / 6)
    assert stats["previous_net"] == -100
    by_network = {r["provider"]: r for r in stats["networks"]}
    assert by_network["mastodon"]["negative"] == 2 and by_network["mastodon"]["net"] == -100
    assert by_network["sandbox"]["net"] == 25
    assert sum(sum(day.values()) for day in stats["per_day"].values()) == 6


def test_replies_to_labelled_posts_count_for_their_campaign(org, account, scope_for):
    target = published(account, timezone.now() - dt.timedelta(days=1), labels=["Sommerfest"],
                       remote_id="post-1")
    _items(account, ["positive", "positive", "negative"], root=target.remote_id)
    _items(account, ["negative"], root="someone-elses-post")
    labels = sentiment_stats(_scope(scope_for, org, [account]))["labels"]
    assert labels == [{"name": "Sommerfest", "negative": 1, "neutral": 0, "positive": 2,
                       "analysed": 3, "net": 33}]


def test_other_organisations_items_are_never_counted(org, account, scope_for):
    stranger = ConnectedAccountFactory()
    _items(stranger, ["negative"] * 5)
    assert sentiment_stats(_scope(scope_for, org, [account]))["analysed"] == 0


def test_dashboard_shows_the_card_chart_and_csv(org, owner, account, login, scope_for):
    _items(account, ["negative", "positive", "positive"])
    response = login(owner).get(f"/o/{org.slug}/analytics/")
    html = response.content.decode()
    card = html.split('data-testid="sentiment"')[1].split("</section>")[0]
    assert "+33" in card and "net score" in card
    assert "?sentiment=negative" in card  # straight to the complaints
    charts = json.loads(html.split('id="analytics-charts" type="application/json">')[1]
                        .split("</script>")[0])
    chart = charts["sentiment"]
    assert chart["stacked"] and [d["key"] for d in chart["datasets"]] == [
        "negative", "neutral", "positive"]
    assert sum(sum(d["data"]) for d in chart["datasets"]) == 3
    rows = list(csv_rows("sentiment", _scope(scope_for, org, [account])))
    assert rows[0][3:] == ["Negative", "Neutral", "Positive", "Net score"]
    assert rows[1][1:] == [account.name, "Sandbox", 1, 0, 2, 33]  # the network as people know it
    response = login(owner).get(f"/o/{org.slug}/analytics/export/sentiment.csv")
    assert response.status_code == 200
    assert "Net score" in b"".join(response.streaming_content).decode()


def test_without_analysed_items_the_card_says_so(org, owner, account, login):
    _items(account, [""])
    html = login(owner).get(f"/o/{org.slug}/analytics/").content.decode()
    card = html.split('data-testid="sentiment"')[1].split("</section>")[0]
    assert "not analysed yet" in card and "<canvas" not in card


def test_the_pdf_report_has_the_sentiment_section(org, account, scope_for):
    _items(account, ["negative", "positive"])
    scope = _scope(scope_for, org, [account])
    assert dashboard_data(scope)["sentiment"]["net"] == 0
    assert render_report(scope)[:4] == b"%PDF"
