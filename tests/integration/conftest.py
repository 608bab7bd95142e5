"""Real processes against a sandbox server in its own process."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings

from tests.sandbox.fixtures import CALLBACK


@pytest.fixture
def clean_broker():
    """The test's Redis db holds only this run's queue (leftovers would be redelivered)."""
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    yield


def connect_accounts(org, sandbox_process, count: int) -> list:
    """`count` sandbox accounts connected through the real OAuth flow."""
    from accounts.services.connected_accounts import account_connect
    from platforms.registry import get_provider

    provider, accounts = get_provider("sandbox"), []
    for n in range(count):
        start = provider.connect_start(redirect_uri=CALLBACK, organization=org)
        params = sandbox_process.control.authorize(start.redirect_url, username=f"brand_{n}")
        result = provider.connect_complete(redirect_uri=CALLBACK, state=start.state,
                                           params=params, organization=org)
        accounts.append(account_connect(organization=org, provider_key="sandbox",
                                        result=result, actor=None))
    return accounts
