"""CSV exports (escaping, streaming), the PDF report, and the monthly email."""

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from pypdf import PdfReader

from accounts.roles import Role
from analytics.models import AnalyticsSettings
from analytics.reports.csv import safe_cell
from analytics.services.reports import reports_send_monthly
from tests.analytics.helpers import measure, published
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
UTC = dt.UTC
QUERY = "?range=custom&start=2026-11-01&end=2026-11-07"


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(body)))


@pytest.mark.parametrize(("value", "expected"), [
    ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
    ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("plain", "plain"), (-5, -5), (None, ""),
])
def test_cells_that_a_spreadsheet_would_run_are_defused(value, expected):
    assert safe_cell(value) == expected


def test_post_csv_escapes_formulas_quotes_and_newlines(org, owner, account, login):
    text = '=cmd|"/c calc"!A1, "quoted"\nsecond line'
    measure(published(account, dt.datetime(2026, 11, 3, 9, tzinfo=UTC), text=text), likes=3)
    response = login(owner).get(f"/o/{org.slug}/analytics/export/posts.csv{QUERY}")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == \
        'attachment; filename="acme-posts-20261101-20261107.csv"'
    header, row = _csv(response)
    assert row[header.index("Text")] == "'" + text  # round-trips, defused
    assert row[header.index("likes")] == "3"
    assert row[header.index("impressions")] == ""  # not reported: empty, not 0
    assert "likes=likes_count" in row[header.index("Source fields")]


@pytest.mark.parametrize("table", ["summary", "followers", "posts", "labels", "heatmap",
                                   "inbox", "daily"])
def test_every_table_exports(org, owner, account, login, table):
    measure(published(account, dt.datetime(2026, 11, 3, 9, tzinfo=UTC), labels=["Launch"]),
            likes=3, impressions=50)
    rows = _csv(login(owner).get(f"/o/{org.slug}/analytics/export/{table}.csv{QUERY}"))
    assert len(rows) >= 2 or table in ("followers", "inbox")
    assert rows[0]  # a header


def test_an_unknown_table_is_404(org, owner, login):
    assert login(owner).get(f"/o/{org.slug}/analytics/export/secrets.csv").status_code == 404


def test_pdf_report_is_a_valid_pdf_with_the_figures(org, owner, account, login):
    measure(published(account, dt.datetime(2026, 11, 3, 9, tzinfo=UTC),
                      text="Our autumn blend is here"), likes=42, impressions=1000)
    response = login(owner).get(f"/o/{org.slug}/analytics/report.pdf{QUERY}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Analytics report: Acme" in text
    assert "Our autumn blend is here" in text
    assert "4.2%" in text.replace(" ", "")  # engagement rate 42 / 1000
    assert "not available" in text  # link clicks are not reported by the sandbox


def test_monthly_report_is_emailed_once_with_the_pdf(org, owner, account, member_of):
    admin = member_of(Role.ADMIN)
    member_of(Role.EDITOR)
    MembershipFactory(organization=org, role=Role.VIEWER)
    measure(published(account, dt.datetime(2026, 11, 3, 9, tzinfo=UTC)), likes=1)
    AnalyticsSettings.objects.create(organization=org, monthly_report=True)
    first_of_month = dt.datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
    assert reports_send_monthly(now=first_of_month) == 1
    assert reports_send_monthly(now=first_of_month) == 0  # idempotent within the month
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([owner.email, admin.email])
    assert "2026-11" in message.subject
    name, content, mimetype = message.attachments[0]
    assert name == "acme-report-2026-11.pdf" and mimetype == "application/pdf"
    assert content.startswith(b"%PDF-")


def test_no_monthly_report_unless_turned_on(org, owner, account):
    AnalyticsSettings.objects.create(organization=org, monthly_report=False)
    assert reports_send_monthly(now=dt.datetime(2026, 12, 1, 5, tzinfo=UTC)) == 0
    assert mail.outbox == []
