"""Journey (issue 3): an admin opens Settings → Connected accounts, connects a sandbox
account through the real OAuth flow (the sandbox's authorisation page, code + PKCE, token
exchange), sees it active, renames it and disconnects it after confirming. A denied
authorisation shows a clear message and connects nothing."""

import re

import pytest

from accounts.models import AuditEntry, ConnectedAccount
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, OrganizationFactory


@pytest.fixture
def admin_page(browser, live_server, sandbox, settings):
    # The live server and the sandbox both answer on loopback; the token exchange goes
    # through the SSRF guard, and the sandbox redirects back to this installation.
    settings.SSRF_ALLOW_LOOPBACK = True
    settings.SITE_URL = live_server.url
    org = OrganizationFactory(slug="acme", name="Acme")
    admin = MembershipFactory(organization=org, role="admin").user
    # An own context (not the `page` fixture): the sandbox's authorisation page has no
    # favicon, and Chrome logs its /favicon.ico 404 as a console error. Every other
    # browser error still fails the test.
    context = browser.new_context(base_url=live_server.url, locale="en-GB",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(f"{msg.text} {msg.location.get('url')}")
            if msg.type == "error" and not (
                msg.location.get("url", "").startswith(sandbox.url)
                and msg.location["url"].endswith("/favicon.ico")) else None)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_load_state()
    page.goto("/o/acme/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("navigation", name="Settings").get_by_role(
        "link", name="Connected accounts").click()
    page.get_by_role("heading", name="No accounts connected yet").wait_for()
    yield page, org
    context.close()
    assert not errors, f"browser errors: {errors}"


def _start_sandbox_connect(page):
    page.get_by_role("link", name="Sandbox").click()
    page.get_by_role("heading", name="Connect Sandbox").wait_for()
    page.get_by_role("button", name="Continue to Sandbox").click()
    page.get_by_role("button", name="Authorize").wait_for()  # the sandbox's own page


@pytest.mark.django_db(transaction=True)
def test_admin_connects_renames_and_disconnects_a_sandbox_account(admin_page, sandbox):
    page, org = admin_page
    _start_sandbox_connect(page)
    page.get_by_label("Username").fill("acme_coffee")
    page.get_by_label("Display name").fill("Acme Coffee")
    page.get_by_role("button", name="Authorize").click()

    page.get_by_text("Acme Coffee is connected.").wait_for()
    assert page.url.endswith("/o/acme/settings/accounts/")
    card = page.locator(".account-card", has_text="Acme Coffee")
    assert "@acme_coffee" in card.inner_text()
    assert card.locator(".badge").inner_text() == "Active"
    account = ConnectedAccount.objects.get(organization=org)
    assert account.handle == "@acme_coffee" and account.status == "active"
    token = account.get_access_token()
    assert token and token not in page.content()

    # Rename through the dialog.
    card.get_by_role("button", name="Rename").click()
    dialog = page.get_by_role("dialog", name="Rename account")
    dialog.get_by_label("Custom name").fill("Coffee (main)")
    dialog.get_by_role("button", name="Save").click()
    page.get_by_text("The account is now called Coffee (main).").wait_for()
    card = page.locator(".account-card", has_text="Coffee (main)")
    assert card.count() == 1

    # Disconnect asks first; cancelling keeps it.
    card.get_by_role("button", name="Disconnect").click()
    confirm = page.get_by_role("dialog", name=re.compile("Disconnect Coffee"))
    confirm.get_by_role("button", name="Cancel").click()
    assert ConnectedAccount.objects.get(pk=account.pk).disconnected_at is None
    card.get_by_role("button", name="Disconnect").click()
    confirm.get_by_role("button", name="Disconnect").click()
    page.get_by_text("Coffee (main) is disconnected.").wait_for()
    page.get_by_role("heading", name="No accounts connected yet").wait_for()

    account.refresh_from_db()
    assert account.disconnected_at is not None  # kept with its history, not deleted
    verbs = set(AuditEntry.objects.filter(organization=org).values_list("verb", flat=True))
    assert {"accounts.account.connected", "accounts.account.renamed",
            "accounts.account.disconnected"} <= verbs


@pytest.mark.django_db(transaction=True)
def test_denied_authorisation_shows_a_clear_message_and_connects_nothing(admin_page, sandbox):
    page, org = admin_page
    _start_sandbox_connect(page)
    page.get_by_role("button", name="Deny").click()
    page.locator(".flash-error", has_text="Access was not granted on Sandbox, so nothing was "
                                          "connected.").wait_for()
    assert "/o/acme/settings/accounts/connect/sandbox/" in page.url
    assert not ConnectedAccount.objects.filter(organization=org).exists()
    assert not AuditEntry.objects.filter(verb="accounts.account.connected").exists()
