"""Shared fixtures: the three personas, logged-in clients, and the service markers.

Personas: `owner` of `org`, a `member_of(role)` factory
for the other roles, and `outsider`, the owner of `other_org`.
"""

import os

import pytest
from django.conf import settings

from accounts.roles import Role
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

# The sandbox network fixtures (`sandbox`, `sandbox_server`, `connect_sandbox_account`), and
# the real AT Protocol test network (`atproto_network`, `pds`, `bsky_settings`; tests/pds).
pytest_plugins = ["tests.sandbox.fixtures", "tests.pds.harness"]

# Parallel test processes (xdist) each have their own database, whose ids start at 1 in each:
# in the one shared Redis, per-organisation cache entries (navigation counts, sessions …)
# would cross between them. Each process gets its own key prefix; worker processes a test
# starts inherit it through the environment.
if (_worker := os.environ.get("PYTEST_XDIST_WORKER")) and "KEY_PREFIX" in settings.CACHES[
        "default"]:
    _prefix = f"{settings.CACHES['default']['KEY_PREFIX']}-{_worker}"
    settings.CACHES["default"]["KEY_PREFIX"] = os.environ["CACHE_KEY_PREFIX"] = _prefix

MISSING = {s for s in os.environ.get("SOCIALMGR_MISSING_SERVICES", "").split(",") if s}
IN_CI = os.environ.get("CI", "").lower() == "true"


def _service_available(name: str) -> bool:
    if name == "postgres":
        return settings.IS_POSTGRES
    if name == "redis":
        return bool(settings.REDIS_URL)
    return True


RERUNS = int(os.environ.get("E2E_RERUNS", "1"))  # 0 to see a flaky test fail at once


def pytest_collection_modifyitems(config, items):
    unavailable = {name for name in ("postgres", "redis") if not _service_available(name)}
    if unavailable and IN_CI:
        raise pytest.UsageError(
            f"CI=true but these services are not configured: {', '.join(sorted(unavailable))}. "
            "Set DATABASE_URL / REDIS_URL (see .ci/run)."
        )
    for item in items:
        for name in unavailable:
            if item.get_closest_marker(name):
                item.add_marker(pytest.mark.skip(reason=f"needs {name}, not available here"))
        # Real browsers and real worker processes race the machine's load: one retry,
        # reported as a rerun in the summary (never for the fast unit/service tests).
        if "/e2e/" in str(item.fspath) or item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.flaky(reruns=RERUNS, reruns_delay=1))


def pytest_terminal_summary(terminalreporter):
    unavailable = [n for n in ("postgres", "redis") if not _service_available(n)]
    if unavailable:
        terminalreporter.write_sep(
            "=", f"ran without {', '.join(unavailable)}: tests marked for them were skipped",
            yellow=True,
        )


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_memory_cache():
    """Without Redis the cache is in memory: start each test with it empty, as SQLite hands
    out the same primary keys again and per-organisation entries would leak between tests.
    (Redis is left alone: it is also the real workers' broker.)"""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: the locale middleware activates a request's
    language for the thread and leaves it active, so a German request in one test made the
    next test's messages German (seen as order-dependent failures)."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def org(db):
    return OrganizationFactory(name="Acme", slug="acme")


@pytest.fixture
def other_org(db):
    return OrganizationFactory(name="Globex", slug="globex")


@pytest.fixture
def owner(org):
    return MembershipFactory(organization=org, role=Role.OWNER).user


@pytest.fixture
def member_of(org):
    """member_of("editor") → a user holding that role in `org`."""

    def make(role: str, organization=None):
        return MembershipFactory(organization=organization or org, role=role).user

    return make


@pytest.fixture
def outsider(other_org):
    return MembershipFactory(organization=other_org, role=Role.OWNER).user


@pytest.fixture
def login(client):
    def do(user):
        client.force_login(user)
        return client

    return do


@pytest.fixture
def user_factory(db):
    return UserFactory
