"""Settings, roles, usage and the composer's streamed suggestions, end to end over HTTP."""

import json

import pytest

from accounts.models import AuditEntry
from assistant.models import AssistantSettings, AssistantUsage
from lib import crypto
from tests.factories import ConnectedAccountFactory


def _events(response) -> list[tuple[str, dict]]:
    assert response["Content-Type"].startswith("text/event-stream")
    raw = b"".join(response.streaming_content).decode()
    found = []
    for block in raw.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.split("\n"))
        found.append((lines["event"], json.loads(lines["data"])))
    return found


def _turn_on(org, base_url, **extra):
    values = {"enabled": True, "base_url": base_url, "model": "llama3.1",
              "monthly_limit": 100, **extra}
    return AssistantSettings.objects.create(organization=org, **values)


@pytest.fixture
def x_account(org):
    return ConnectedAccountFactory(organization=org, provider="x", handle="@acme")


def _compose(client, org, **data):
    return client.post(f"/o/{org.slug}/assistant/compose/", data)


@pytest.mark.django_db
def test_an_admin_turns_it_on_and_the_key_is_stored_encrypted(client, org, owner, fake_llm):
    _server, base = fake_llm
    client.force_login(owner)
    page = client.get(f"/o/{org.slug}/settings/assistant/")
    assert page.status_code == 200
    assert "nothing is sent anywhere" in page.content.decode()
    response = client.post(f"/o/{org.slug}/settings/assistant/", {
        "enabled": "on", "base_url": base + "/", "model": "llama3.1", "api_key": "sk-secret",
        "limit_kind": "requests", "monthly_limit": "50"})
    assert response.status_code == 302
    saved = AssistantSettings.objects.get(organization=org)
    assert saved.enabled and saved.base_url == base and saved.model == "llama3.1"
    assert "sk-secret" not in saved.api_key_encrypted
    assert crypto.decrypt(saved.api_key_encrypted) == "sk-secret"
    entry = AuditEntry.objects.get(organization=org, verb="assistant.settings.enabled")
    assert "sk-secret" not in json.dumps(entry.details)
    page = client.get(f"/o/{org.slug}/settings/assistant/").content.decode()
    assert "An API key is stored" in page and "sk-secret" not in page
    assert "0 requests, 0 tokens" in page
    # Saving again without a key keeps the stored one.
    client.post(f"/o/{org.slug}/settings/assistant/", {
        "enabled": "on", "base_url": base, "model": "qwen3", "limit_kind": "tokens",
        "monthly_limit": "5000"})
    saved.refresh_from_db()
    assert crypto.decrypt(saved.api_key_encrypted) == "sk-secret" and saved.model == "qwen3"
    changed = AuditEntry.objects.get(organization=org, verb="assistant.settings.changed")
    assert changed.details["fields"] == ["model", "limit_kind", "monthly_limit"]


@pytest.mark.django_db
def test_an_internal_address_is_refused_unless_the_operator_allows_it(
        client, org, owner, settings):
    settings.SSRF_ALLOW_LOOPBACK = False
    client.force_login(owner)
    response = client.post(f"/o/{org.slug}/settings/assistant/", {
        "enabled": "on", "base_url": "http://127.0.0.1:11434/v1", "model": "llama3.1",
        "limit_kind": "requests", "monthly_limit": "50"})
    assert response.status_code == 200
    assert "not a public internet address" in response.content.decode()
    assert not AssistantSettings.objects.filter(organization=org).exists()


@pytest.mark.django_db
def test_the_operator_allows_an_own_server_and_then_it_is_used(
        client, org, owner, member_of, fake_llm, settings):
    server, base = fake_llm
    settings.SSRF_ALLOW_LOOPBACK = False
    settings.SSRF_ALLOW_HOSTS = ["127.0.0.1"]  # e.g. an Ollama on this machine
    client.force_login(owner)
    client.post(f"/o/{org.slug}/settings/assistant/", {
        "enabled": "on", "base_url": base, "model": "llama3.1", "limit_kind": "requests",
        "monthly_limit": "50"})
    assert AssistantSettings.objects.get(organization=org).enabled
    client.force_login(member_of("editor"))
    assert _events(_compose(client, org, action="tone", tone="friendly", text="Hi"))[-1][0] \
        == "done"
    assert len(server.requests) == 1


@pytest.mark.django_db
def test_turning_it_on_needs_an_address_and_a_model(client, org, owner):
    client.force_login(owner)
    response = client.post(f"/o/{org.slug}/settings/assistant/", {
        "enabled": "on", "base_url": "", "model": "", "limit_kind": "requests",
        "monthly_limit": "50"})
    assert "Enter the endpoint address and the model" in response.content.decode()


@pytest.mark.django_db
def test_off_by_default_nothing_is_sent(client, org, member_of, x_account, fake_llm):
    server, base = fake_llm
    editor = member_of("editor")
    client.force_login(editor)
    compose = client.get(f"/o/{org.slug}/compose/").content.decode()
    assert "data-assistant-composer" not in compose
    response = _compose(client, org, action="variant", text="Hello", accounts=x_account.pk)
    assert response.status_code == 403
    assert "The writing assistant is off" in response.json()["error"]
    # Configured but not switched on: still nothing.
    AssistantSettings.objects.create(organization=org, base_url=base, model="m")
    assert _compose(client, org, action="variant", text="Hello",
                    accounts=x_account.pk).status_code == 403
    assert server.requests == []


@pytest.mark.django_db
def test_a_variant_streams_and_is_checked_by_our_own_counter(
        client, org, member_of, x_account, fake_llm):
    server, base = fake_llm
    _turn_on(org, base)
    client.force_login(member_of("editor"))
    assert "data-assistant-composer" in client.get(f"/o/{org.slug}/compose/").content.decode()
    server.answer = "Our autumn blend is here. Come taste it! #coffee"
    events = _events(_compose(client, org, action="variant", text="Autumn blend is here",
                              accounts=x_account.pk))
    deltas = [e for name, e in events if name == "delta"]
    assert len(deltas) > 3
    name, done = events[-1]
    assert name == "done"
    assert done["text"] == "Our autumn blend is here. Come taste it! #coffee"
    assert done["checks"] == [{"account": x_account.pk, "handle": "@acme", "network": "X",
                               "length": 48, "max": 280, "fits": True, "message": ""}]
    prompt = server.requests[0]["body"]["messages"]
    assert "for X" in prompt[0]["content"] and "at most 280 characters" in prompt[0]["content"]
    assert prompt[1] == {"role": "user", "content": "Autumn blend is here"}
    usage = AssistantUsage.objects.get(organization=org)
    assert (usage.requests, usage.prompt_tokens, usage.completion_tokens) == (1, 42, 8)


@pytest.mark.django_db
def test_an_over_long_variant_is_marked(client, org, member_of, x_account, fake_llm):
    server, base = fake_llm
    _turn_on(org, base)
    client.force_login(member_of("editor"))
    server.answer = " ".join(["coffee"] * 60)  # 419 characters: the model ignored the limit
    _name, done = _events(_compose(client, org, action="variant", text="Coffee",
                                   accounts=x_account.pk))[-1]
    assert done["checks"][0]["fits"] is False and done["checks"][0]["length"] == 419
    assert "too long" in done["checks"][0]["message"]


@pytest.mark.django_db
def test_translate_tone_and_hashtags(client, org, member_of, x_account, fake_llm):
    server, base = fake_llm
    _turn_on(org, base)
    client.force_login(member_of("editor"))
    server.answer = "Unsere Herbstmischung ist da"
    _n, done = _events(_compose(client, org, action="translate", language="de",
                                text="Our autumn blend is here"))[-1]
    assert done["text"] == "Unsere Herbstmischung ist da"
    assert "into German" in server.requests[-1]["body"]["messages"][0]["content"]
    server.answer = '"Dear customers, our autumn blend has arrived."'
    _n, done = _events(_compose(client, org, action="tone", tone="formal",
                                text="yo, new blend"))[-1]
    assert done["text"] == "Dear customers, our autumn blend has arrived."  # quotes taken off
    server.answer = "#coffee #Autumn #autumn #blend"
    _n, done = _events(_compose(client, org, action="hashtags", text="New blend #blend"))[-1]
    assert done["hashtags"] == ["#coffee", "#Autumn"]


@pytest.mark.django_db
def test_the_monthly_limit_stops_the_assistant_with_a_message(
        client, org, member_of, x_account, fake_llm):
    server, base = fake_llm
    _turn_on(org, base, monthly_limit=1)
    client.force_login(member_of("editor"))
    assert _events(_compose(client, org, action="tone", tone="friendly", text="Hi"))[-1][0] \
        == "done"
    refused = _compose(client, org, action="tone", tone="friendly", text="Hi")
    assert refused.status_code == 429
    assert "limit of 1 requests" in refused.json()["error"]
    assert len(server.requests) == 1
    page = client.get(f"/o/{org.slug}/compose/")
    assert page.status_code == 200


@pytest.mark.django_db
def test_a_token_limit_counts_the_reported_tokens(client, org, member_of, fake_llm):
    _server, base = fake_llm
    _turn_on(org, base, limit_kind="tokens", monthly_limit=60)
    client.force_login(member_of("editor"))
    _events(_compose(client, org, action="tone", tone="friendly", text="Hi"))  # 50 tokens
    _events(_compose(client, org, action="tone", tone="friendly", text="Hi"))  # 100 tokens
    refused = _compose(client, org, action="tone", tone="friendly", text="Hi")
    assert refused.status_code == 429 and "tokens" in refused.json()["error"]


@pytest.mark.django_db
def test_errors_of_the_endpoint_are_events_not_500s(client, org, member_of, fake_llm, settings):
    server, base = fake_llm
    _turn_on(org, base)
    client.force_login(member_of("editor"))
    for mode, words in (("429", "Try again in 7 seconds"), ("malformed", "could not be read"),
                        ("cutoff", "broke off")):
        server.mode = mode
        response = _compose(client, org, action="tone", tone="friendly", text="Hi")
        assert response.status_code == 200
        name, event = _events(response)[-1]
        assert name == "error" and words in event["message"], mode
    settings.ASSISTANT_TIMEOUT = 1
    server.mode, server.delay = "slow", 3
    name, event = _events(_compose(client, org, action="tone", tone="friendly", text="Hi"))[-1]
    assert name == "error" and "did not answer within 1 second" in event["message"]
    # A request that brought no text is handed back; the one that broke off mid-way counts.
    assert AssistantUsage.objects.get(organization=org).requests == 1


@pytest.mark.django_db
def test_bad_input_is_a_message_and_sends_nothing(client, org, member_of, x_account, fake_llm):
    server, base = fake_llm
    _turn_on(org, base)
    client.force_login(member_of("editor"))
    assert "Write some text first" in _compose(client, org, action="tone", tone="friendly",
                                               text="  ").json()["error"]
    assert _compose(client, org, action="tone", tone="sarcastic", text="Hi").status_code == 400
    assert _compose(client, org, action="shorten", text="Hi").status_code == 400
    assert server.requests == []


@pytest.mark.django_db
def test_roles_and_tenancy(client, org, other_org, member_of, x_account, fake_llm):
    server, base = fake_llm
    _turn_on(org, base)
    client.force_login(member_of("viewer"))
    assert _compose(client, org, action="tone", tone="friendly", text="Hi").status_code == 403
    client.force_login(member_of("editor"))
    assert client.get(f"/o/{org.slug}/settings/assistant/").status_code == 403
    foreign = ConnectedAccountFactory(organization=other_org, provider="x")
    assert _compose(client, org, action="variant", text="Hi",
                    accounts=foreign.pk).status_code == 404
    assert server.requests == []


@pytest.mark.django_db
def test_a_server_that_refuses_stream_options_is_remembered_and_counted_in_requests(
        client, org, member_of, owner, fake_llm):
    server, base = fake_llm
    server.strict = True
    _turn_on(org, base)
    client.force_login(member_of("editor"))
    name, done = _events(_compose(client, org, action="tone", tone="friendly", text="Hi"))[-1]
    assert name == "done" and done["text"] == "Hello from the model"
    assert not AssistantSettings.objects.get(organization=org).send_usage_option
    _events(_compose(client, org, action="tone", tone="friendly", text="Hi"))
    # First: refused, then sent without; after that it is not sent at all.
    assert [("stream_options" in r["body"]) for r in server.requests] == [True, False, False]
    usage = AssistantUsage.objects.get(organization=org)
    assert usage.requests == 2 and usage.unmetered_requests == 2 and usage.tokens == 0
    client.force_login(owner)
    page = client.get(f"/o/{org.slug}/settings/assistant/").content.decode()
    assert "Ask the server for token counts (stream_options)" in page
    assert 'name="send_usage_option"' in page and "2 requests without a token count" in page
    client.post(f"/o/{org.slug}/settings/assistant/", {
        "enabled": "on", "base_url": base, "model": "llama3.1", "limit_kind": "requests",
        "monthly_limit": "100", "send_usage_option": "on"})
    assert AssistantSettings.objects.get(organization=org).send_usage_option
    assert AuditEntry.objects.filter(organization=org, verb="assistant.settings.changed",
                                     details__fields=["send_usage_option"]).exists()
