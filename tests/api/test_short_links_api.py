import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.roles import Role
from analytics.models import ShortLink
from analytics.services.links import short_link_for
from tests.analytics.helpers import published

pytestmark = pytest.mark.django_db


def test_the_api_lists_short_links_with_clicks_and_an_approver_disables_one(
        org, account, api, issue_token):
    link = short_link_for(published(account, timezone.now()), "https://shop.example/a")
    ShortLink.objects.filter(pk=link.pk).update(clicks=7)
    viewer = api(issue_token(org, Role.VIEWER))
    (row,) = viewer.get("/api/v1/analytics/links/").json()["results"]
    assert row["short_url"] == f"{settings.SITE_URL}/l/{link.code}"
    assert (row["url"], row["clicks"], row["enabled"], row["account"]) == (
        "https://shop.example/a", 7, True, account.pk)
    assert viewer.post(f"/api/v1/analytics/links/{link.pk}/disable/").status_code == 403
    approver = api(issue_token(org, Role.APPROVER))
    response = approver.post(f"/api/v1/analytics/links/{link.pk}/disable/")
    assert response.status_code == 200 and response.json()["enabled"] is False
    assert AuditEntry.objects.filter(verb="analytics.link.disabled").count() == 1
    assert approver.post(f"/api/v1/analytics/links/{link.pk}/disable/").status_code == 200
    assert AuditEntry.objects.filter(verb="analytics.link.disabled").count() == 1  # idempotent
    assert approver.post(f"/api/v1/analytics/links/{link.pk}/enable/").json()["enabled"]


def test_another_organisations_link_is_404(org, other_org, other_account, api, issue_token):
    theirs = short_link_for(published(other_account, timezone.now()), "https://o.example/")
    client = api(issue_token(org, Role.APPROVER))
    assert client.get(f"/api/v1/analytics/links/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/analytics/links/{theirs.pk}/disable/").status_code == 404
    assert client.get("/api/v1/analytics/links/").json()["results"] == []
    theirs.refresh_from_db()
    assert theirs.enabled
