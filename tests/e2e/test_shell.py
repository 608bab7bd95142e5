"""The app shell in a real browser: keyboard access, focus ring, skip link, menus, and the
navigation drawer on a 360 px wide screen."""

import pytest

from accounts.roles import Role
from tests.factories import DEFAULT_PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

FOCUSED_IN_NAV = "() => !!document.activeElement.closest('nav[aria-label=\"Main\"]')"
FOCUS_RING = """() => {
  const s = getComputedStyle(document.activeElement);
  return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor,
          shadow: s.boxShadow};
}"""


@pytest.fixture
def acme_editor(db):
    return MembershipFactory(role=Role.EDITOR, organization__name="Acme",
                             organization__slug="acme").user


def tab_until(page, predicate: str, limit: int = 25) -> bool:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate):
            return True
    return False


def test_skip_link_is_first_and_jumps_to_main(signed_in_page, page, acme_editor):
    signed_in_page(acme_editor)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert page.evaluate("() => document.activeElement.classList.contains('skip-link')")
    assert skip.is_visible()  # hidden off-screen until focused
    # it slides in (a short transition): wait for it to settle inside the viewport
    page.wait_for_function(
        "() => document.querySelector('.skip-link').getBoundingClientRect().top >= 0",
        timeout=3000)
    box = skip.bounding_box()
    assert box and box["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_tab_reaches_the_navigation_with_a_visible_focus_ring(signed_in_page, page, acme_editor):
    signed_in_page(acme_editor)
    assert tab_until(page, FOCUSED_IN_NAV), "Tab never reached the main navigation"
    ring = page.evaluate(FOCUS_RING)
    assert ring["style"] != "none" and ring["width"] >= 2, ring
    # the nav offers the primary destinations, Compose as a prominent button
    nav = page.get_by_role("navigation", name="Main")
    compose = nav.get_by_role("link", name="Compose")
    assert "btn-primary" in compose.get_attribute("class")
    for label in ("Calendar", "Inbox", "Analytics", "Settings"):
        assert nav.get_by_role("link", name=label).is_visible()
    assert nav.get_by_role("link", name="Overview").get_attribute("aria-current") == "page"


def test_every_control_in_the_top_bar_shows_focus(signed_in_page, page, acme_editor):
    signed_in_page(acme_editor)
    seen = 0
    for _ in range(8):
        page.keyboard.press("Tab")
        if not page.evaluate("() => !!document.activeElement.closest('.topbar')"):
            continue
        ring = page.evaluate(FOCUS_RING)
        assert ring["style"] != "none" and ring["width"] >= 2, ring
        seen += 1
    assert seen >= 3  # brand, organisation switcher, language, user menu


def test_user_menu_opens_by_keyboard_and_closes_with_escape(signed_in_page, page, acme_editor):
    signed_in_page(acme_editor)
    summary = page.locator(".user-menu > summary")
    summary.focus()
    page.keyboard.press("Enter")
    menu = page.locator(".user-menu .menu-list")
    assert menu.is_visible()
    for label in ("Preferences", "Two-factor authentication", "Sessions"):
        assert menu.get_by_role("link", name=label).is_visible()
    assert menu.get_by_role("button", name="Sign out").is_visible()
    page.keyboard.press("Escape")
    assert not menu.is_visible()
    assert page.evaluate("() => document.activeElement.matches('.user-menu > summary')")


def test_only_one_menu_is_open_at_a_time(signed_in_page, page, acme_editor):
    signed_in_page(acme_editor)
    page.locator(".org-switcher > summary").click()
    assert page.locator(".org-switcher .menu-list").is_visible()
    page.locator(".user-menu > summary").click()
    assert page.locator(".user-menu .menu-list").is_visible()
    assert not page.locator(".org-switcher .menu-list").is_visible()


def test_mobile_navigation_toggle(signed_in_page, page, acme_editor):
    page.set_viewport_size({"width": 360, "height": 740})
    signed_in_page(acme_editor)
    nav = page.get_by_role("navigation", name="Main")
    toggle = page.get_by_role("button", name="Menu")
    assert toggle.is_visible() and not nav.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    # nothing scrolls sideways at 360 px
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360

    toggle.click()
    assert nav.is_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert "nav-open" in page.locator("body").get_attribute("class")
    assert page.evaluate(FOCUSED_IN_NAV)  # focus moved into the drawer

    page.keyboard.press("Escape")
    assert not nav.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.evaluate("() => document.activeElement.matches('[data-nav-toggle]')")

    toggle.click()
    nav.get_by_role("link", name="Calendar").click()
    page.wait_for_url("**/o/acme/calendar/")
    assert not nav.is_visible()  # a new page starts with the drawer closed


def test_desktop_hides_the_toggle(signed_in_page, page, acme_editor):
    signed_in_page(acme_editor)
    assert not page.get_by_role("button", name="Menu").is_visible()
    assert page.get_by_role("navigation", name="Main").is_visible()


def test_flash_messages_can_be_dismissed(signed_in_page, page, acme_editor):
    signed_in_page(acme_editor)  # allauth flashes "Successfully signed in as …"
    flash = page.locator(".flash").first
    assert flash.is_visible()
    flash.get_by_role("button", name="Dismiss").click()
    assert page.locator(".flash").count() == 0


def test_viewer_sees_no_compose_button(signed_in_page, page):
    viewer = MembershipFactory(role=Role.VIEWER, organization__slug="acme").user
    signed_in_page(viewer)
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Calendar").is_visible()
    assert nav.get_by_role("link", name="Compose").count() == 0


def test_language_can_be_switched_from_the_user_menu_on_a_phone(signed_in_page, page,
                                                               acme_editor):
    page.set_viewport_size({"width": 360, "height": 740})
    signed_in_page(acme_editor)
    assert not page.locator(".topbar > .lang-picker").is_visible()  # no room in the bar
    page.locator(".user-menu > summary").click()
    page.locator(".user-menu").get_by_role("button", name="Deutsch").click()
    page.locator("html[lang=de]").wait_for(state="attached")
    page.locator(".user-menu > summary").click()
    german = page.locator(".user-menu").get_by_role("button", name="Deutsch")
    assert german.get_attribute("aria-pressed") == "true"
    assert page.locator(".user-menu").get_by_role("button", name="Abmelden").is_visible()


def _htmx_button(page, url: str) -> None:
    page.evaluate("""(url) => {
        const b = document.createElement('button');
        b.id = 'probe'; b.textContent = 'Probe';
        b.setAttribute('hx-get', url); b.setAttribute('hx-swap', 'none');
        document.querySelector('main').prepend(b);
        htmx.process(b);
    }""", url)


def test_slow_htmx_requests_show_the_loading_bar(signed_in_page, page, acme_editor):
    signed_in_page(acme_editor)
    release = []

    def slow(route):
        release.append(route)

    page.route("**/probe-slow/", slow)
    _htmx_button(page, "/o/acme/probe-slow/")
    page.click("#probe")
    page.locator("body.is-loading").wait_for(state="attached")
    release[0].fulfill(status=200, body="")
    page.locator("body.is-loading").wait_for(state="detached")


def test_failed_htmx_request_tells_the_user(browser, live_server, acme_editor):
    # own context: the 500 is logged to the console on purpose, which `page` would reject
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.fill("#id_login", acme_editor.email)
        page.fill("#id_password", DEFAULT_PASSWORD)
        page.get_by_role("button", name="Sign In", exact=True).click()
        page.wait_for_url("**/o/acme/")
        page.route("**/probe-broken/", lambda route: route.fulfill(status=500, body="boom"))
        _htmx_button(page, "/o/acme/probe-broken/")
        page.click("#probe")
        page.locator(".flash-error").get_by_text("The request failed").wait_for()
    finally:
        context.close()


def test_confirmation_dialog_opens_and_cancels(signed_in_page, page):
    owner = MembershipFactory(role=Role.OWNER, organization__slug="acme")
    MembershipFactory(role=Role.EDITOR, organization=owner.organization,
                      user__first_name="Eddie")
    signed_in_page(owner.user)
    page.goto("/o/acme/settings/members/")
    page.get_by_role("button", name="Remove").first.click()
    dialog = page.get_by_role("dialog")
    assert dialog.is_visible()
    assert page.evaluate("() => document.activeElement.closest('dialog') !== null")
    dialog.get_by_role("button", name="Cancel").click()
    assert not dialog.is_visible()
    page.get_by_role("button", name="Remove").first.click()
    page.mouse.click(5, 5)  # the backdrop
    assert not dialog.is_visible()
    assert page.get_by_text("Eddie", exact=True).is_visible()  # nothing was removed
