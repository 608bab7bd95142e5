"""axe-core over the main pages, light and dark: no serious or critical violations.

axe is injected from node_modules (npm devDependency), so the browser context bypasses
our CSP for the injected script only; the pages themselves are served unchanged.
"""

from pathlib import Path

import pytest

from accounts.roles import Role
from tests.factories import DEFAULT_PASSWORD, MembershipFactory

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (npm install)"),
]

ANONYMOUS = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
MEMBER_PAGES = [
    "/o/acme/",
    "/o/acme/settings/",
    "/o/acme/settings/members/",
    "/o/acme/settings/audit/",
    "/o/acme/settings/system/",
]
ACCOUNT_PAGES = ["/preferences/", "/accounts/email/", "/accounts/2fa/", "/accounts/sessions/"]


@pytest.fixture
def axe_context(browser, live_server):
    contexts = []

    def make(color_scheme="light", width=1280):
        context = browser.new_context(base_url=live_server.url, locale="en-GB",
                                      bypass_csp=True, color_scheme=color_scheme,
                                      viewport={"width": width, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(page, user):
    page.goto("/accounts/login/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.locator("form button[type=submit]").first.click()  # "Sign In" / "Anmelden"
    page.wait_for_url("**/o/**")


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} → "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def owner_of_acme(db):
    return MembershipFactory(role=Role.OWNER, organization__name="Acme",
                             organization__slug="acme").user


def both_schemes(page) -> dict[str, list[str]]:
    """Violations in the light and the dark theme (prefers-color-scheme) of the same page."""
    found, backgrounds = {}, set()
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.reload()
        backgrounds.add(page.evaluate("getComputedStyle(document.body).backgroundColor"))
        found[scheme] = serious_violations(page)
    assert len(backgrounds) == 2, "the dark theme did not apply"
    return found


@pytest.mark.parametrize("path", ANONYMOUS)
def test_anonymous_pages_have_no_serious_violations(axe_context, path):
    page = axe_context()
    page.goto(path)
    assert both_schemes(page) == {"light": [], "dark": []}


def test_login_with_errors_has_no_serious_violations(axe_context):
    page = axe_context()
    page.goto("/accounts/login/")
    page.fill("#id_login", "nobody@example.com")
    page.fill("#id_password", "wrong-password")
    page.get_by_role("button", name="Sign In", exact=True).click()
    assert page.locator(".alert-error").is_visible()
    assert serious_violations(page) == []


@pytest.mark.parametrize("path", MEMBER_PAGES + ACCOUNT_PAGES)
def test_signed_in_pages_have_no_serious_violations(axe_context, owner_of_acme, path):
    page = axe_context()
    sign_in(page, owner_of_acme)
    page.goto(path)
    assert page.locator("main#main").count() == 1
    assert both_schemes(page) == {"light": [], "dark": []}


def test_mobile_dashboard_with_open_nav_has_no_serious_violations(axe_context, owner_of_acme):
    page = axe_context(width=360)
    sign_in(page, owner_of_acme)
    page.get_by_role("button", name="Menu").click()
    assert page.get_by_role("navigation", name="Main").is_visible()
    assert serious_violations(page) == []


def test_axe_catches_a_real_violation(axe_context):
    """The harness can fail: an unlabeled input and low-contrast text are reported."""
    page = axe_context()
    page.goto("/accounts/login/")
    page.evaluate("""() => {
        document.querySelector('label[for=id_login]').remove();
        document.querySelector('#id_login').removeAttribute('placeholder');
    }""")
    found = serious_violations(page)
    assert any(v.startswith("label ") for v in found), found


@pytest.mark.parametrize("language", ["en-GB", "de"])
def test_every_owner_page_has_no_serious_violations(browser, live_server, sandbox, language):
    """Every page an owner reaches (tests/e2e/owner_pages.py, Settings included, with
    content behind them), in English and in German: no serious or critical violation."""
    from tests.e2e.owner_pages import detail_paths, org_paths, owner_with_content

    org, owner = owner_with_content()
    context = browser.new_context(base_url=live_server.url, locale=language, bypass_csp=True,
                                  extra_http_headers={"Accept-Language": language},
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, owner)
    found = {}
    for path in org_paths() + detail_paths(org):
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        violations = serious_violations(page)
        if violations:
            found[path] = violations
    context.close()
    assert found == {}, "\n".join(f"{p}: {v}" for p, v in found.items())
