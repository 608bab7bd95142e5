"""/mcp/ itself: tokens, the rate limit shared with the REST API, revocation."""

import json

import pytest
from django.test import Client as DjangoClient

from accounts.roles import Role
from api.models import ApiToken
from tests.mcp_server.conftest import Agent, ToolFailed

pytestmark = pytest.mark.django_db

INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {},
    "clientInfo": {"name": "test", "version": "1"}}}


def _post(headers=None):
    return DjangoClient().post("/mcp/", json.dumps(INITIALIZE), content_type="application/json",
                               headers={"Accept": "application/json, text/event-stream",
                                        **(headers or {})})


def test_no_token_or_an_invalid_one_is_401(org):
    missing = _post()
    assert missing.status_code == 401
    assert missing["WWW-Authenticate"].startswith("Bearer")
    invalid = _post({"Authorization": "Bearer smt_nothing_here"})
    assert invalid.status_code == 401 and invalid.json()["code"] == "not_authenticated"
    assert _post({"Authorization": "Basic Zm9vOmJhcg=="}).status_code == 401


def test_the_sdk_client_is_refused_with_an_invalid_token(org):
    with pytest.raises(Exception) as refused:
        Agent("smt_abc_invalid").tools()
    assert "error response" in repr(refused.value)


def test_a_valid_token_initializes(org, issue_token):
    response = _post({"Authorization": f"Bearer {issue_token(org, Role.VIEWER)}"})
    assert response.status_code == 200, response.content
    assert response.json()["result"]["serverInfo"]["name"] == "socialmgr"


def test_a_revoked_token_stops_at_once(org, issue_token):
    agent = Agent(issue_token(org, Role.VIEWER))
    assert agent.call("list_accounts") == {"accounts": []}
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    with pytest.raises(Exception):  # noqa: B017 - the transport refuses (401)
        agent.call("list_accounts")


def test_the_rate_limit_is_the_rest_apis_and_shared_with_it(org, issue_token, api, settings):
    settings.API_RATE_LIMIT = "3/minute"
    token = issue_token(org, Role.VIEWER)
    agent = Agent(token)
    assert agent.call("list_accounts") == {"accounts": []}
    assert api(token).get("/api/v1/accounts/").status_code == 200
    assert agent.call("list_posts")["posts"] == []
    with pytest.raises(ToolFailed, match=r"(?i)throttled"):
        agent.call("list_accounts")
    assert api(token).get("/api/v1/accounts/").status_code == 429
    # Counted per token: another token is not affected.
    assert Agent(issue_token(org, Role.VIEWER)).call("list_accounts") == {"accounts": []}


def test_without_the_slash_too(org, issue_token):
    response = DjangoClient().post(
        "/mcp", json.dumps(INITIALIZE), content_type="application/json",
        headers={"Accept": "application/json, text/event-stream",
                 "Authorization": f"Bearer {issue_token(org, Role.VIEWER)}"})
    assert response.status_code == 200
