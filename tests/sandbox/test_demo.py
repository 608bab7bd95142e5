"""`seed_demo`'s sandbox seeder: demo accounts connected through the real OAuth flow."""

from __future__ import annotations

import socket

import pytest

from accounts import demo
from accounts.models import AccountStatus, ConnectedAccount
from accounts.roles import Role


@pytest.fixture
def users(org, owner):
    return {Role.OWNER: owner}


def _connected(org):
    return ConnectedAccount.objects.for_org(org).connected().filter(provider="sandbox")


def test_seed_connects_the_demo_accounts_and_is_idempotent(sandbox, org, users):
    demo.seed(org, users)
    accounts = list(_connected(org).order_by("handle"))
    assert sorted(a.handle for a in accounts) == sorted(f"@{u}" for u, _, _ in demo.DEMO_ACCOUNTS)
    assert all(a.status == AccountStatus.ACTIVE and a.get_access_token() for a in accounts)
    demo.seed(org, users)
    assert list(_connected(org).order_by("handle")) == accounts
    assert sandbox.stats()["world"]["accounts"] == len(demo.DEMO_ACCOUNTS)


def test_seed_reconnects_when_the_sandbox_forgot_its_world(sandbox, org, users):
    demo.seed(org, users)
    before = {a.handle: a.external_id for a in _connected(org)}
    sandbox.reset()
    demo.seed(org, users)
    after = {a.handle: a.external_id for a in _connected(org)}
    assert after.keys() == before.keys() and all(after[h] != before[h] for h in after)
    from platforms.registry import get_provider

    account = _connected(org).first()
    assert get_provider("sandbox").fetch_account_metrics(account).values["followers"].value > 0


def test_seed_starts_a_temporary_sandbox_on_the_state_file_when_none_runs(org, users, settings,
                                                                          tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.SANDBOX_URL = f"http://127.0.0.1:{port}"  # nothing listens there
    settings.VAR_DIR = tmp_path
    demo.seed(org, users)
    assert _connected(org).count() == len(demo.DEMO_ACCOUNTS)
    state = (tmp_path / demo.STATE_FILE).read_text()
    assert all(username in state for username, _, _ in demo.DEMO_ACCOUNTS)
