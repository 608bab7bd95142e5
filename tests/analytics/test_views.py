"""The dashboard page, its filters, settings, the provenance view and link tracking."""

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AccountAccess, AuditEntry, Membership
from accounts.roles import Role
from analytics.models import AccountMetricSnapshot, AnalyticsSettings
from analytics.utm import add_utm, utm_enabled, utm_text
from tests.analytics.helpers import measure, published
from tests.factories import ConnectedAccountFactory
from tests.inbox.factories import InboxItemFactory

pytestmark = pytest.mark.django_db


def _recent(account, n, *, labels=()):
    now = timezone.now()
    for i in range(n):
        target = published(account, now - dt.timedelta(hours=3 + i), text=f"post {i}",
                           labels=labels)
        measure(target, likes=i, reposts=1)
    AccountMetricSnapshot.objects.create(
        organization=account.organization, account=account, metric="followers", value=100 + n,
        source_field="followers_count", fetched_at=now, day=now.date())


def test_dashboard_shows_figures_charts_data_and_not_available(org, owner, account, login):
    _recent(account, 3, labels=["Launch"])
    response = login(owner).get(f"/o/{org.slug}/analytics/")
    assert response.status_code == 200
    html = response.content.decode()
    charts = json.loads(response.context["charts"] and
                        html.split('id="analytics-charts" type="application/json">')[1]
                        .split("</script>")[0])
    assert set(charts) == {"followers", "posts", "inbox", "labels", "sentiment"}
    assert sum(charts["posts"]["datasets"][0]["data"]) == 3
    assert charts["labels"]["labels"] == ["Launch"]
    # The sandbox reports no impressions: one note names them, no column of "not available".
    assert '<td class="num"><span class="metric-na">not available' not in html
    note = html.split('data-testid="not-reported">')[1].split("</p>")[0]
    assert "Impressions" in note and "Engagement rate" in note
    assert response.context["period_label"] == "Last 28 days"
    assert "<option value=\"28\" selected>" in html  # the select shows the period shown
    assert "Engagement rate = engagements ÷ impressions" in html
    assert "sandbox.example/@x/" in html  # live links to the posts
    assert "<script>" not in html.replace('<script src=', '')  # no inline scripts (CSP)


def test_chart_tables_escape_names_and_show_gaps(org, owner, account, login):
    """The accessible tables under the charts are built in Python: names are escaped there."""
    account.display_name = account.label = "<b>Shop</b> & Co"
    account.save()
    _recent(account, 2, labels=["<img src=x onerror=alert(1)>"])
    html = login(owner).get(f"/o/{org.slug}/analytics/").content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>Shop</b>" not in html
    assert '<td class="num">–</td>' in html  # days before the first follower count: gaps


def test_empty_dashboard_explains_when_data_arrives(org, owner, account, login):
    html = login(owner).get(f"/o/{org.slug}/analytics/").content.decode()
    assert "No figures for this period yet" in html


def test_no_accounts_explains_what_to_do(org, owner, login):
    html = login(owner).get(f"/o/{org.slug}/analytics/").content.decode()
    assert "Connect an account" in html


def test_a_restricted_member_sees_only_their_accounts(org, account, member_of, login):
    other = ConnectedAccountFactory(organization=org)
    _recent(account, 2)
    _recent(other, 5)
    viewer = member_of(Role.VIEWER)
    AccountAccess.objects.create(membership=Membership.objects.get(user=viewer), account=account)
    client = login(viewer)
    response = client.get(f"/o/{org.slug}/analytics/")
    assert [a.pk for a in response.context["data"]["scope"].accounts] == [account.pk]
    # Asking for the other account is not a valid choice: nothing of it is shown.
    response = client.get(f"/o/{org.slug}/analytics/?accounts={other.pk}")
    assert response.context["form"].errors
    assert [a.pk for a in response.context["data"]["scope"].accounts] == [account.pk]
    csv_body = b"".join(client.get(
        f"/o/{org.slug}/analytics/export/posts.csv?accounts={other.pk}").streaming_content)
    assert csv_body.decode().count("\n") == 3  # header + the 2 own posts


def test_filters_by_platform_and_account(org, owner, account, login):
    x = ConnectedAccountFactory(organization=org, provider="x")
    _recent(account, 2)
    _recent(x, 4)
    client = login(owner)
    data = client.get(f"/o/{org.slug}/analytics/?platform=x").context["data"]
    assert data["totals"]["posts"] == 4
    data = client.get(f"/o/{org.slug}/analytics/?accounts={account.pk}").context["data"]
    assert data["totals"]["posts"] == 2


def test_a_bad_custom_range_shows_an_error_and_the_default_period(org, owner, account, login):
    client = login(owner)
    response = client.get(f"/o/{org.slug}/analytics/?range=custom&start=2026-11-10&end=2026-11-01")
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    assert response.context["data"]["scope"].period.days == 28
    response = client.get(f"/o/{org.slug}/analytics/?range=custom&start=2020-01-01&end=2026-11-01")
    assert "at most 366 days" in response.content.decode()
    assert client.get(f"/o/{org.slug}/analytics/?range=nonsense&start=x").status_code == 200


def test_the_dashboard_runs_a_constant_number_of_queries(org, owner, account, login):
    client = login(owner)

    def count() -> int:
        cache.clear()  # the cold path: the heatmap is computed, not read from the cache
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/o/{org.slug}/analytics/").status_code == 200
        return len(ctx.captured_queries)

    _recent(account, 2, labels=["A"])
    count()  # the first request of a session records it (allauth user sessions)
    few = count()
    second = ConnectedAccountFactory(organization=org)
    _recent(account, 20, labels=["B"])
    _recent(second, 10)
    for i in range(5):
        InboxItemFactory(organization=org, account=account, first_responder=owner,
                         first_response_at=timezone.now(),
                         created_at=timezone.now() - dt.timedelta(hours=i + 1))
    assert count() == few


def test_settings_are_for_admins_and_audited(org, owner, member_of, login):
    client = login(member_of(Role.APPROVER))
    assert client.get(f"/o/{org.slug}/analytics/settings/").status_code == 403
    client = login(owner)
    page = client.get(f"/o/{org.slug}/analytics/settings/")
    assert page.status_code == 200 and "Link tracking" in page.content.decode()
    response = client.post(f"/o/{org.slug}/analytics/settings/",
                           {"utm_enabled": "on", "monthly_report": "on"})
    assert response.status_code == 302
    saved = AnalyticsSettings.objects.get(organization=org)
    assert saved.utm_enabled and saved.monthly_report
    entry = AuditEntry.objects.get(organization=org, verb="analytics.settings.changed")
    assert entry.details == {"utm_enabled": True, "monthly_report": True}


def test_post_history_shows_every_snapshot_with_its_source(org, owner, other_org, account, login):
    target = published(account, timezone.now() - dt.timedelta(hours=8))
    measure(target, at=timezone.now() - dt.timedelta(hours=7), likes=1)
    measure(target, likes=4)
    client = login(owner)
    response = client.get(f"/o/{org.slug}/analytics/posts/{target.pk}/")
    assert response.status_code == 200
    assert len(response.context["snapshots"]) == 2
    assert "likes_count" in response.content.decode()
    theirs = published(ConnectedAccountFactory(organization=other_org), timezone.now())
    assert client.get(f"/o/{org.slug}/analytics/posts/{theirs.pk}/").status_code == 404


def test_utm_parameters_are_added_only_when_turned_on(org):
    text = "New blend: https://shop.example/coffee?ref=1. Also https://x.example/a?utm_source=mine"
    assert not utm_enabled(org)
    AnalyticsSettings.objects.create(organization=org, utm_enabled=True)
    assert utm_enabled(org)  # saving the settings cleared the cached switch
    tagged = utm_text(text, source="mastodon", campaign="Autumn sale")
    assert ("https://shop.example/coffee?ref=1&utm_source=mastodon&utm_medium=social"
            "&utm_campaign=Autumn+sale. Also") in tagged
    # The author's own utm_source is kept; the others are added.
    assert ("https://x.example/a?utm_source=mine&utm_medium=social&utm_campaign=Autumn+sale"
            in tagged)


def test_add_utm_keeps_fragments_and_skips_an_empty_campaign():
    assert add_utm("https://a.example/p#top", source="x") == \
        "https://a.example/p?utm_source=x&utm_medium=social#top"


def test_composer_shows_links_with_utm_per_platform(org, member_of, login):
    from content.models import Label

    sandbox_account = ConnectedAccountFactory(organization=org, provider="sandbox")
    ConnectedAccountFactory(organization=org, provider="x")
    label = Label.objects.create(organization=org, name="Spring")
    client = login(member_of(Role.EDITOR))
    url = f"/o/{org.slug}/analytics/utm-preview/"
    params = {"text": "Shop: https://shop.example/a.", "labels": [label.pk],
              "accounts": [sandbox_account.pk]}
    assert client.get(url, params).content.strip() == b""  # tracking is off
    AnalyticsSettings.objects.create(organization=org, utm_enabled=True)
    html = client.get(url, params).content.decode()
    assert ("https://shop.example/a?utm_source=sandbox&amp;utm_medium=social"
            "&amp;utm_campaign=Spring</code>") in html
    assert "utm_source=x" not in html  # only the chosen accounts' platforms
    assert login(member_of(Role.VIEWER)).get(url, params).status_code == 403


@pytest.mark.parametrize(("query", "label", "days"), [
    ("", "Last 28 days", 28),
    ("?platform=sandbox", "Last 28 days", 28),  # a bound form without a period
    ("?range=nonsense", "Last 28 days", 28),
    ("?range=7", "Last 7 days", 7),
    ("?range=90", "Last 90 days", 90),
    ("?range=custom&start=2026-01-01&end=2026-01-10", "Custom range", 10),
])
def test_the_period_label_and_the_select_name_the_period_the_figures_cover(
        org, owner, account, login, query, label, days):
    _recent(account, 1)
    response = login(owner).get(f"/o/{org.slug}/analytics/{query}")
    html = response.content.decode()
    assert response.context["data"]["scope"].period.days == days
    assert f"<strong>{label}</strong>" in html.split('data-testid="period-label">')[1]
    preset = {"Last 28 days": "28", "Last 7 days": "7", "Last 90 days": "90",
              "Custom range": "custom"}[label]
    assert f'<option value="{preset}" selected>' in html
    current = [p["key"] for p in response.context["quick_presets"] if p["current"]]
    assert current == ([] if preset == "custom" else [preset])


def test_quick_period_links_keep_the_other_filters(org, owner, account, login):
    _recent(account, 1)
    response = login(owner).get(
        f"/o/{org.slug}/analytics/?range=custom&start=2026-01-01&end=2026-01-10"
        f"&platform=sandbox&accounts={account.pk}")
    links = {p["key"]: p["query"] for p in response.context["quick_presets"]}
    assert set(links) == {"7", "28", "90"}
    assert "range=90" in links["90"] and f"accounts={account.pk}" in links["90"]
    assert "platform=sandbox" in links["90"] and "start=" not in links["90"]


def test_unreported_metrics_are_left_out_of_the_post_table(org, owner, account, login):
    _recent(account, 2)
    response = login(owner).get(f"/o/{org.slug}/analytics/")
    head = response.content.decode().split('data-testid="post-table"')[1].split("</thead>")[0]
    assert "Likes" in head and "Reposts" in head
    assert "Impressions" not in head and "Bookmarks" not in head
    assert response.context["data"]["reported_metrics"] == ["likes", "reposts"]


def test_every_chart_has_a_summary_and_a_table(org, owner, account, login):
    _recent(account, 3, labels=["Launch"])
    response = login(owner).get(f"/o/{org.slug}/analytics/")
    html = response.content.decode()
    tables = response.context["chart_tables"]
    assert tables["posts"]["summary"].startswith("3 in total")
    assert tables["labels"]["summary"].startswith("Most engagements: Launch")
    for key in ("followers", "posts", "inbox", "labels"):
        assert f'aria-describedby="chart-{key}-summary"' in html
    assert html.count("Show the numbers as a table") == 4


def test_german_dashboard_names_metrics_and_weekdays_in_german(org, owner, account, login):
    _recent(account, 2)
    client = login(owner)
    html = client.get(f"/o/{org.slug}/analytics/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "<strong>Letzte 28 Tage</strong>" in html
    assert '<th scope="row">Mo</th>' in html and '<th scope="row">So</th>' in html
    assert '<th scope="row">Mon</th>' not in html
    assert "Gefällt mir" in html and ">likes<" not in html
