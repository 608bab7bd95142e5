"""Demo data: connect a few sandbox accounts to the demo organisation (`seed_demo`).

This is the one module of the package that uses Django; the server never imports it.
Accounts are connected through the real OAuth flow. If the sandbox is not running (and
SANDBOX_URL is on loopback), a temporary one is started on the same state file `make run`
uses, so the accounts and tokens are there when the real one starts.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from urllib.parse import urlsplit

from django.conf import settings
from django.test.utils import override_settings

from sandbox.control import SandboxControl

logger = logging.getLogger(__name__)

DEMO_ACCOUNTS = [
    ("acme_coffee", "Acme Coffee Roasters"),
    ("acme_support", "Acme Support"),
    ("acme_careers", "Acme Careers"),
    ("lena_at_acme", "Lena @ Acme"),
]
STATE_FILE = "sandbox.json"
BACKFILL_HOURS = 48  # demo accounts start with two days of mentions in their inbox


def seed(org, users) -> None:
    from accounts.roles import Role
    from platforms.registry import is_enabled

    if not is_enabled("sandbox"):
        return
    with _running_sandbox() as control:
        if control is None:
            print(f"  sandbox: not reachable at {settings.SANDBOX_URL}; no demo accounts")
            return
        for username, display_name in DEMO_ACCOUNTS:
            _ensure_account(org, control, username, display_name, actor=users[Role.OWNER])
    print(f"  sandbox: {len(DEMO_ACCOUNTS)} demo accounts connected ({settings.SANDBOX_URL})")


@contextlib.contextmanager
def _running_sandbox() -> Iterator[SandboxControl | None]:
    control = SandboxControl(settings.SANDBOX_URL)
    if control.alive():
        yield control
        return
    if urlsplit(settings.SANDBOX_URL).hostname not in ("127.0.0.1", "localhost", "::1"):
        yield None
        return
    from sandbox import Knobs, SandboxApp, SandboxServer

    app = SandboxApp(Knobs.from_env(backfill_hours=BACKFILL_HOURS),
                     state_file=str(settings.VAR_DIR / STATE_FILE))
    server = SandboxServer(app).start()
    try:
        with override_settings(SANDBOX_URL=server.url):
            yield SandboxControl(server.url)
    finally:
        server.stop()  # writes the state file


def _ensure_account(org, control: SandboxControl, username: str, display_name: str, *, actor):
    from accounts.models import AccountStatus, ConnectedAccount
    from accounts.services.connected_accounts import (
        account_connect,
        account_disconnect,
        account_reconnected,
    )
    from platforms.errors import AuthExpired, ProviderError
    from platforms.registry import get_provider

    provider = get_provider("sandbox")
    existing = (ConnectedAccount.objects.for_org(org).connected()
                .filter(provider="sandbox", handle=f"@{username}").first())
    if existing is not None and existing.status == AccountStatus.ACTIVE:
        try:
            provider.fetch_account_metrics(existing)
            return existing  # connected and working: nothing to do
        except AuthExpired:
            pass
        except ProviderError as exc:
            logger.warning("sandbox demo: %s: %s", username, exc.message)
            return existing
    redirect_uri = f"{settings.SITE_URL}/sandbox-demo/callback/"
    start = provider.connect_start(redirect_uri=redirect_uri, organization=org)
    params = control.authorize(start.redirect_url, username=username,
                               display_name=display_name)
    result = provider.connect_complete(redirect_uri=redirect_uri, state=start.state,
                                       params=params, organization=org)
    if existing is not None:
        if existing.external_id == result.account.external_id:
            return account_reconnected(account=existing, result=result, actor=actor)
        account_disconnect(account=existing, actor=actor)  # the sandbox's world was reset
    return account_connect(organization=org, provider_key="sandbox", result=result,
                           actor=actor)
