"""API fixtures: tokens issued through the service, and a client that sends them."""

from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from accounts.models import Membership
from accounts.roles import Role
from api.services.tokens import api_token_create
from tests.factories import ConnectedAccountFactory, MembershipFactory


@pytest.fixture(autouse=True)
def _fresh_throttle(settings):
    """A private cache per test: throttle history never leaks between tests (token ids repeat
    on SQLite), and no shared cache (a developer's var/cache, Redis) is cleared."""
    settings.API_RATE_LIMIT = "10000/minute"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"api-tests-{uuid.uuid4()}"}}


@pytest.fixture
def issue_token(db):
    """issue_token(org, role="editor", user_role=None) → the plain token string.

    The creator is an admin (or `user_role`) of `org`; the token is capped at `role`.
    """

    def make(organization, role: str = Role.EDITOR, *, user_role: str | None = None,
             user=None, **kwargs) -> str:
        if user is None:
            membership = MembershipFactory(organization=organization, role=Role.OWNER)
            user = membership.user
        plain = api_token_create(organization=organization, actor=user, name="ci",
                                 role=role, **kwargs).plain
        if user_role is not None:  # the creator's role changed after issuing the token
            Membership.objects.filter(organization=organization, user=user).update(
                role=user_role)
        return plain

    return make


@pytest.fixture
def api():
    """api(token) → an APIClient sending `Authorization: Bearer <token>`."""

    def make(token: str | None = None) -> APIClient:
        client = APIClient()
        if token:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return make


@pytest.fixture
def account(org, sandbox):
    return ConnectedAccountFactory(organization=org)


@pytest.fixture
def other_account(other_org):
    return ConnectedAccountFactory(organization=other_org)
