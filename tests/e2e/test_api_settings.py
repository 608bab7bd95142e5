"""Browser journeys: an admin creates an API token (seen once), uses it, revokes it; the API
docs page renders under our CSP with no console errors."""

import re

from rest_framework.test import APIClient

from accounts.roles import Role
from tests.factories import MembershipFactory


def test_admin_creates_uses_and_revokes_a_token(signed_in_page, org):
    admin = MembershipFactory(organization=org, role=Role.ADMIN).user
    page = signed_in_page(admin)
    page.goto(f"/o/{org.slug}/settings/api/")
    page.get_by_label("Name").fill("CMS")
    page.get_by_label("Role").select_option("editor")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_label("Token").input_value()
    assert re.fullmatch(r"smt_[0-9a-f]{12}_[\w-]{43}", token)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/accounts/").status_code == 200
    page.goto(f"/o/{org.slug}/settings/api/")
    assert token not in page.content()  # shown once
    page.get_by_role("button", name="Revoke CMS").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Keep").click()
    assert client.get("/api/v1/accounts/").status_code == 200  # kept
    page.get_by_role("button", name="Revoke CMS").click()
    dialog.get_by_role("button", name="Revoke token").click()
    assert page.get_by_text("Revoked").first.is_visible()
    assert client.get("/api/v1/accounts/").status_code == 401


def test_api_docs_render_without_csp_errors(page):
    page.goto("/api/v1/docs/")
    page.get_by_text("socialmgr API").first.wait_for()
    assert page.get_by_text("/api/v1/posts/").first.is_visible()
