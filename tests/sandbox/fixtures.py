"""Pytest fixtures for the sandbox network, loaded for the whole suite from tests/conftest.py.

- `sandbox_server` (session): a real sandbox server on a free loopback port, in a thread.
- `sandbox` (per test): that server reset to quiet defaults, `settings.SANDBOX_URL` pointed at
  it, and a `SandboxControl` for knobs, faults, stats and injected activity.
- `connect_sandbox_account(org, username)`: a ConnectedAccount made through the real OAuth
  flow (authorisation page, code + PKCE, token exchange) and the `account_connect` service.

Tests that need the sandbox in another process (real Celery workers, benchmarks) use
`tests.sandbox.process.SandboxProcess`.
"""

from __future__ import annotations

import pytest

from sandbox import Knobs, SandboxApp, SandboxServer
from sandbox.control import SandboxControl

# Quiet and deterministic: nothing arrives on its own unless a test turns activity on.
TEST_KNOBS = {"activity_per_hour": 0.0, "seed": 7}
CALLBACK = "http://testserver/o/acme/accounts/connect/sandbox/callback/"


@pytest.fixture(scope="session")
def sandbox_server():
    server = SandboxServer(SandboxApp(Knobs(**TEST_KNOBS))).start()
    yield server
    server.stop()


@pytest.fixture
def sandbox(sandbox_server, settings) -> SandboxControl:
    control = SandboxControl(sandbox_server.url)
    control.reset()
    settings.SANDBOX_URL = sandbox_server.url
    yield control
    control.session.close()


@pytest.fixture
def connect_sandbox_account(sandbox, db):
    """connect(org, "acme_coffee", actor=None) → a ConnectedAccount connected via OAuth."""
    from accounts.services.connected_accounts import account_connect
    from platforms.registry import get_provider

    def connect(organization, username: str, *, display_name: str = "", actor=None,
                shape: str = ""):
        provider = get_provider("sandbox")
        start = provider.connect_start(redirect_uri=CALLBACK, organization=organization)
        params = sandbox.authorize(start.redirect_url, username=username,
                                   display_name=display_name, shape=shape)
        result = provider.connect_complete(redirect_uri=CALLBACK, state=start.state,
                                           params=params, organization=organization)
        return account_connect(organization=organization, provider_key="sandbox",
                               result=result, actor=actor)

    return connect
