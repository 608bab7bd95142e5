"""Pipeline fixtures: real sandbox accounts (connected through OAuth), scheduled posts,
and `tick()` — one deterministic dispatcher + worker step (`publishing_tick`)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from content.pipeline import publishing_tick
from content.services.posts import PostData, post_create
from content.services.workflow import post_publish_now, post_schedule
from platforms import registry
from platforms.sandbox import SandboxProvider


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit waits live in the cache; ids repeat between runs of a fresh test DB."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def approver(member_of):
    return member_of("approver")


@pytest.fixture
def author(member_of):
    return member_of("editor")


@pytest.fixture
def brand(org, connect_sandbox_account):
    return connect_sandbox_account(org, "brand_a")


@pytest.fixture
def second_brand(org, connect_sandbox_account):
    return connect_sandbox_account(org, "brand_b")


@pytest.fixture
def make_scheduled(org, brand, author, approver):
    """make_scheduled(text, accounts=[...], at=None) → a post scheduled (due now if no `at`)."""

    def make(text: str = "Hello from the pipeline", *, accounts=None, at=None):
        accounts = accounts or [brand]
        post = post_create(organization=org, actor=author,
                           data=PostData(text=text, account_ids=[a.pk for a in accounts]))
        if at is None:
            return post_publish_now(post=post, actor=approver)
        return post_schedule(post=post, actor=approver, scheduled_at=at)

    return make


@pytest.fixture
def tick():
    def run(*, after: float = 0.0):
        """One step; `after` seconds from now (to reach backoffs without sleeping)."""
        return publishing_tick(now=timezone.now() + dt.timedelta(seconds=after))

    return run


class UncheckableSandbox(SandboxProvider):
    """A platform with no idempotency key and no way to look a post up."""

    key = "uncheckable"
    name = "Uncheckable"
    supports_idempotency_key = False
    supports_find_published = False

    def publish(self, account, request):
        return super().publish(account, type(request)(text=request.text, media=request.media))


class ExplodingSandbox(SandboxProvider):
    key = "exploding"
    name = "Exploding"

    def publish(self, account, request):
        raise RuntimeError("bug in a connector")


@pytest.fixture
def test_providers(monkeypatch):
    """Register the test-only providers for the duration of a test."""
    monkeypatch.setitem(registry.PROVIDERS, "uncheckable",
                        "tests.content.pipeline.conftest.UncheckableSandbox")
    monkeypatch.setitem(registry.PROVIDERS, "exploding",
                        "tests.content.pipeline.conftest.ExplodingSandbox")
    registry._provider_class.cache_clear()
    yield
    registry._provider_class.cache_clear()
