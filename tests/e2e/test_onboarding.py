"""The newcomer's journey: sign up, verify, create an organisation, invite a colleague,
who accepts and switches the interface to German."""

import re

import pytest
from django.core import mail

PASSWORD = "a-long-unusual-pass-19"


def _last_link(pattern: str) -> str:
    for message in reversed(mail.outbox):
        match = re.search(pattern, message.body)
        if match:
            return match.group(0)
    raise AssertionError(f"no mail with {pattern}: {[m.subject for m in mail.outbox]}")


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.mark.django_db(transaction=True)
def test_sign_up_create_organisation_invite_and_switch_to_german(page, browser, live_server):
    # 1. Sign up and verify the email address.
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("founder@example.com")
    page.get_by_label(re.compile(r"^Password\W*$")).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()

    page.goto(_path(_last_link(r"https?://\S+/accounts/confirm-email/\S+")))
    page.get_by_role("button", name="Confirm").click()

    # 2. Create the organisation; the founder lands on its dashboard as owner.
    page.wait_for_url("**/organizations/new/")
    page.get_by_label("Name").fill("Acme Social")
    page.get_by_label("Address").fill("acme-social")
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    page.get_by_role("button", name="Create organisation").click()
    page.wait_for_url("**/o/acme-social/")
    assert page.get_by_role("heading", name="Acme Social").is_visible()

    # 3. Invite a colleague as editor.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Members").click()
    page.get_by_label("Email address").fill("colleague@example.com")
    page.get_by_label("Role").last.select_option("editor")
    page.get_by_role("button", name="Send invitation").click()
    assert page.get_by_text("Invitation sent to colleague@example.com").is_visible()
    invite = _path(_last_link(r"https?://\S+/invitations/\S+/"))

    # 4. The colleague opens the link in their own browser, signs up and accepts.
    other = browser.new_context(base_url=live_server.url, locale="en-GB")
    colleague = other.new_page()
    colleague.goto(invite)
    colleague.get_by_role("link", name="Sign up").click()
    colleague.get_by_label("Email").fill("colleague@example.com")
    colleague.get_by_label(re.compile(r"^Password\W*$")).fill(PASSWORD)
    colleague.get_by_label("Password (again)").fill(PASSWORD)
    colleague.get_by_role("button", name="Sign Up").click()
    colleague.get_by_role("button", name="Accept invitation").click()
    colleague.wait_for_url("**/o/acme-social/")
    assert colleague.get_by_text("You are Editor here.").is_visible()

    # 5. They switch the interface to German and see German navigation.
    colleague.get_by_label("Language").select_option("de")
    nav = colleague.get_by_role("navigation", name="Hauptnavigation")
    nav.get_by_role("link", name="Kalender").wait_for()
    for label in ("Kalender", "Posteingang", "Analysen", "Einstellungen"):
        assert nav.get_by_role("link", name=label).is_visible()
    assert colleague.locator("html").get_attribute("lang") == "de"
    other.close()
