"""Demo data: connect a few sandbox accounts to the demo organisation (`seed_demo`).

The sandbox network itself (`sandbox/`) is a program without Django; this seeder drives it
from the app's side, through its control client. Accounts are connected through the real
OAuth flow. If the sandbox is not running (and SANDBOX_URL is on loopback), a temporary one
is started on the same state file `make run` uses, so the accounts and tokens are there when
the real one starts.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from urllib.parse import urlsplit

from django.conf import settings
from django.test.utils import override_settings

from sandbox.control import SandboxControl
from sandbox.knobs import demo_knobs

logger = logging.getLogger(__name__)

# (username, display name, network shape): one account shaped like each network, with that
# network's limits, metrics and avatar colour (sandbox/shapes.py).
DEMO_ACCOUNTS = [
    ("acme_coffee", "Acme Coffee Roasters", "mastodon"),
    ("acmecoffee_sky", "Acme Coffee", "bluesky"),
    ("acme_support", "Acme Support", "x"),
    ("acme_careers", "Acme Coffee Careers", "linkedin"),
    ("acme_cafe_pics", "Acme Café Moments", "instagram"),
    ("acme_threads", "Acme Coffee Threads", "threads"),
]
STATE_FILE = "sandbox.json"


def seed(org, users) -> None:
    from accounts.roles import Role
    from platforms.registry import is_enabled

    if not is_enabled("sandbox"):
        return
    with _running_sandbox() as control:
        if control is None:
            print(f"  sandbox: not reachable at {settings.SANDBOX_URL}; no demo accounts")
            return
        control.knobs(**demo_knobs(settings.DEMO_ACTIVITY_PER_MINUTE, len(DEMO_ACCOUNTS)))
        for username, display_name, shape in DEMO_ACCOUNTS:
            _ensure_account(org, control, username, display_name, shape,
                            actor=users[Role.OWNER])
    print(f"  sandbox: {len(DEMO_ACCOUNTS)} demo accounts connected ({settings.SANDBOX_URL}), "
          f"about {settings.DEMO_ACTIVITY_PER_MINUTE:g} new inbox items a minute")


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

    app = SandboxApp(Knobs.from_env(**demo_knobs(settings.DEMO_ACTIVITY_PER_MINUTE,
                                                 len(DEMO_ACCOUNTS))),
                     state_file=str(settings.VAR_DIR / STATE_FILE))
    server = SandboxServer(app).start()
    try:
        with override_settings(SANDBOX_URL=server.url):
            yield SandboxControl(server.url)
    finally:
        server.stop()  # writes the state file


def _ensure_account(org, control: SandboxControl, username: str, display_name: str, shape: str,
                    *, actor):
    from accounts.models import AccountStatus, ConnectedAccount
    from accounts.services.connected_accounts import (
        account_connect,
        account_disconnect,
        account_reconnected,
        account_record_sync,
    )
    from platforms.errors import AuthExpired, ProviderError
    from platforms.registry import get_provider

    provider = get_provider("sandbox")
    existing = (ConnectedAccount.objects.for_org(org).connected()
                .filter(provider="sandbox", handle=f"@{username}").first())
    if existing is not None and existing.status == AccountStatus.ACTIVE:
        try:
            provider.fetch_account_metrics(existing)
            account_record_sync(account=existing)
            return existing  # connected and working: nothing to do
        except AuthExpired:
            pass
        except ProviderError as exc:
            logger.warning("sandbox demo: %s: %s", username, exc.message)
            return existing
    redirect_uri = f"{settings.SITE_URL}/sandbox-demo/callback/"
    start = provider.connect_start(redirect_uri=redirect_uri, organization=org)
    params = control.authorize(start.redirect_url, username=username,
                               display_name=display_name, shape=shape)
    result = provider.connect_complete(redirect_uri=redirect_uri, state=start.state,
                                       params=params, organization=org)
    if existing is not None:
        if existing.external_id == result.account.external_id:
            account = account_reconnected(account=existing, result=result, actor=actor)
            account_record_sync(account=account)
            return account
        account_disconnect(account=existing, actor=actor)  # the sandbox's world was reset
    account = account_connect(organization=org, provider_key="sandbox", result=result,
                              actor=actor)
    provider.fetch_account_metrics(account)  # the first sync, as the beat would do it
    account_record_sync(account=account)
    return account
