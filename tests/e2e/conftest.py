"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Playwright's own browser download is not used; `.ci/run` installs `/usr/bin/chromium`.
The flags keep chromium off the network (the machine has none but the registries).
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]

# The sync Playwright API runs an event loop in this thread; the ORM calls made by the
# test body itself (reading the outbox, creating fixtures) are still sequential.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI", "").lower() == "true":
            raise pytest.UsageError(f"CI=true but {CHROMIUM} is missing (see .ci/run)")
        for item in items:
            if item.get_closest_marker("browser"):
                item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} is not installed"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    assert not errors, f"browser errors: {errors}"


@pytest.fixture(autouse=True)
def _fresh_sign_in_rate_limits():
    """Every browser test signs in from 127.0.0.1 through the real form, and allauth allows
    30 logins a minute per address: with Redis (kept between tests) the suite ran into
    429s. Each test starts with allauth's counters cleared; the limits themselves stay on
    (tests/accounts check them)."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(write=True)
        keys = list(client.scan_iter(match="*allauth:rl:*", count=1000))
        if keys:
            client.delete(*keys)


@pytest.fixture
def signed_in_page(page, live_server):
    """sign_in(user) → the page, signed in through the real login form."""

    def sign_in(user, password=None):
        from tests.factories import DEFAULT_PASSWORD

        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(password or DEFAULT_PASSWORD)
        page.get_by_role("button", name="Sign In", exact=True).click()
        page.wait_for_load_state()
        return page

    return sign_in
