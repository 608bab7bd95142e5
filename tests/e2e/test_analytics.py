"""Browser journey: open the dashboard, see the charts, change the range, download CSV and PDF."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Organization
from analytics.models import AccountMetricSnapshot
from tests.analytics.helpers import measure, published
from tests.factories import ConnectedAccountFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def manager(db):
    org = Organization.objects.create(name="Acme", slug="acme", timezone="Europe/Berlin")
    user = MembershipFactory(organization=org, role="owner").user
    account = ConnectedAccountFactory(organization=org, display_name="Acme Coffee")
    now = timezone.now()
    for day in range(60):
        at = now - dt.timedelta(days=day, hours=2)
        AccountMetricSnapshot.objects.create(
            organization=org, account=account, metric="followers", value=1000 + 60 - day,
            source_field="followers_count", fetched_at=at, day=at.date())
        if day % 3 == 0:
            target = published(account, at, text=f"Roast of the week {day}", labels=["Roasts"])
            measure(target, likes=10 + day, reposts=2, impressions=300 + day)
    return user


def test_manager_opens_analytics_changes_range_and_downloads_reports(signed_in_page, manager):
    page = signed_in_page(manager)
    page.goto("/o/acme/analytics/")
    assert page.get_by_role("heading", name="Analytics", level=1).is_visible()
    page.wait_for_function("() => document.querySelector('canvas[data-chart=followers]')"
                           ".getAttribute('style') !== null")  # Chart.js drew it
    followers = page.locator("[data-kpi=followers] .kpi-value")
    assert followers.inner_text().strip() != ""
    page.get_by_text("Show the numbers as a table").first.click()
    assert page.locator("details.chart-table table").first.is_visible()

    page.get_by_label("Period", exact=True).select_option("7")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/analytics/?*range=7*")
    posts_7 = page.locator("[data-kpi=posts] .kpi-value").inner_text()
    page.get_by_label("Period", exact=True).select_option("90")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/analytics/?*range=90*")
    posts_90 = page.locator("[data-kpi=posts] .kpi-value").inner_text()
    assert int(posts_90) > int(posts_7) > 0

    # The quick switch keeps the label truthful: 90 days named above the figures.
    page.get_by_role("link", name="7 days").click()
    page.wait_for_url("**/analytics/?*range=7*")
    assert page.get_by_test_id("period-label").inner_text().startswith("Last 7 days")
    assert page.locator("[data-kpi=posts] .kpi-value").inner_text() == posts_7
    assert page.get_by_label("Period", exact=True).input_value() == "7"

    page.get_by_label("Period", exact=True).select_option("custom")
    assert page.get_by_label("From", exact=True).is_visible()

    with page.expect_download() as csv_info:
        page.get_by_test_id("csv-posts").click()
    csv_file = csv_info.value
    assert csv_file.suggested_filename.startswith("acme-posts-")
    body = Path(csv_file.path()).read_text(encoding="utf-8-sig")
    assert "Roast of the week" in body

    with page.expect_download() as pdf_info:
        page.get_by_role("link", name="PDF report").click()
    pdf = pdf_info.value
    assert pdf.suggested_filename.endswith(".pdf")
    assert Path(pdf.path()).read_bytes()[:5] == b"%PDF-"
