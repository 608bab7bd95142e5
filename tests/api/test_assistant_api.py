"""GET /api/v1/assistant/: the writing assistant's settings and this month's usage."""

from accounts.roles import Role
from assistant.models import AssistantSettings, AssistantUsage
from assistant.services.usage import current_month
from lib import crypto

URL = "/api/v1/assistant/"


def test_off_by_default(org, api, issue_token):
    body = api(issue_token(org, Role.EDITOR)).get(URL).json()
    assert body["enabled"] is False and body["base_url"] == ""
    assert body["usage"]["requests"] == 0 and body["usage"]["reached"] is False


def test_settings_and_usage_without_the_key(org, other_org, api, issue_token):
    AssistantSettings.objects.create(
        organization=org, enabled=True, base_url="https://llm.example.org/v1", model="qwen3",
        api_key_encrypted=crypto.encrypt("sk-secret"), limit_kind="tokens", monthly_limit=1000)
    AssistantUsage.objects.create(organization=org, month=current_month(org), requests=3,
                                  prompt_tokens=700, completion_tokens=300)
    AssistantUsage.objects.create(organization=other_org, month=current_month(other_org),
                                  requests=99)
    response = api(issue_token(org, Role.EDITOR)).get(URL)
    assert "sk-secret" not in response.content.decode()
    body = response.json()
    assert body["model"] == "qwen3" and body["has_api_key"] is True
    assert body["usage"] == {"month": current_month(org).isoformat(), "requests": 3,
                             "tokens": 1000, "unmetered_requests": 0, "limit_kind": "tokens",
                             "limit": 1000, "used": 1000, "reached": True}


def test_a_viewer_token_may_not_read_it(org, api, issue_token):
    assert api(issue_token(org, Role.VIEWER)).get(URL).status_code == 403
