"""The chat-completions client against a local server shaped by the OpenAI reference."""

import pytest

from assistant.client import AssistantError, Endpoint, Usage, chat_url, stream_chat

MESSAGES = [{"role": "user", "content": "Say hello"}]


def _collect(endpoint, **kwargs):
    pieces = list(stream_chat(endpoint, MESSAGES, **kwargs))
    text = "".join(p for p in pieces if isinstance(p, str))
    usage = [p for p in pieces if isinstance(p, Usage)]
    return pieces, text, usage


def test_the_address_gets_chat_completions_once():
    assert chat_url("https://api.example.com/v1/") == "https://api.example.com/v1/chat/completions"
    assert chat_url("http://h:11434/v1/chat/completions") == "http://h:11434/v1/chat/completions"


def test_a_stream_arrives_piece_by_piece_with_its_usage(fake_llm):
    server, base = fake_llm
    server.answer = "Autumn is here at last"
    pieces, text, usage = _collect(Endpoint(base, "llama3.1", api_key="sk-test"))
    assert text == "Autumn is here at last"
    assert len([p for p in pieces if isinstance(p, str)]) == 5  # one per word: streamed
    assert usage == [Usage(prompt_tokens=42, completion_tokens=8)]
    sent = server.requests[0]
    assert sent["body"]["model"] == "llama3.1" and sent["body"]["stream"] is True
    assert sent["body"]["messages"] == MESSAGES
    assert sent["headers"]["Authorization"] == "Bearer sk-test"


def test_no_api_key_sends_no_authorization_header(fake_llm):
    server, base = fake_llm
    _collect(Endpoint(base, "llama3.1"))
    assert "Authorization" not in server.requests[0]["headers"]


def test_a_stream_without_usage_is_fine(fake_llm):
    server, base = fake_llm
    server.usage = None
    _pieces, text, usage = _collect(Endpoint(base, "m"))
    assert text == "Hello from the model"
    assert usage == [Usage()] and not usage[0].reported


def test_a_server_that_answers_in_one_piece_is_read_too(fake_llm):
    server, base = fake_llm
    server.mode = "json"
    server.answer = "All at once"
    _pieces, text, usage = _collect(Endpoint(base, "m"))
    assert text == "All at once"
    assert usage == [Usage(prompt_tokens=42, completion_tokens=8)]


def test_a_slow_server_is_a_timeout_message(fake_llm):
    server, base = fake_llm
    server.mode, server.delay = "slow", 3
    with pytest.raises(AssistantError) as caught:
        _collect(Endpoint(base, "m"), timeout=1)
    assert caught.value.code == "timeout"
    assert "did not answer within 1 second" in caught.value.message


def test_too_many_requests_says_when_to_try_again(fake_llm):
    server, base = fake_llm
    server.mode = "429"
    with pytest.raises(AssistantError) as caught:
        _collect(Endpoint(base, "m"))
    assert caught.value.code == "rate_limited" and caught.value.retry_after == 7
    assert "Try again in 7 seconds" in caught.value.message


def test_malformed_output_is_a_clear_message(fake_llm):
    server, base = fake_llm
    server.mode = "malformed"
    with pytest.raises(AssistantError) as caught:
        _collect(Endpoint(base, "m"))
    assert caught.value.code == "malformed"
    assert "could not be read" in caught.value.message


def test_an_answer_that_breaks_off_is_not_taken_as_complete(fake_llm):
    server, base = fake_llm
    server.mode = "cutoff"
    with pytest.raises(AssistantError) as caught:
        _collect(Endpoint(base, "m"))
    assert caught.value.code == "incomplete"


def test_a_refused_key_names_the_settings_page(fake_llm):
    server, base = fake_llm
    server.mode = "401"
    with pytest.raises(AssistantError) as caught:
        _collect(Endpoint(base, "m", api_key="wrong"))
    assert caught.value.code == "auth"
    assert "Settings → Writing assistant" in caught.value.message


def test_a_wrong_address_passes_on_what_the_server_said(fake_llm):
    _server, base = fake_llm
    with pytest.raises(AssistantError) as caught:
        _collect(Endpoint(base.replace("/v1", "/v2"), "m"))
    assert caught.value.code == "http_error"
    assert "HTTP 404" in caught.value.message and "Not found" in caught.value.message


def test_nobody_listening_is_unreachable(settings):
    settings.SSRF_ALLOW_LOOPBACK = True
    with pytest.raises(AssistantError) as caught:
        _collect(Endpoint("http://127.0.0.1:9/v1", "m"), timeout=2)
    assert caught.value.code == "unreachable"


def test_an_internal_address_is_refused_before_anything_is_sent(fake_llm, settings):
    server, base = fake_llm
    settings.SSRF_ALLOW_LOOPBACK = False
    with pytest.raises(AssistantError) as caught:
        _collect(Endpoint(base, "m"))
    assert caught.value.code == "unsafe"
    assert server.requests == []
    with pytest.raises(AssistantError) as caught:
        _collect(Endpoint("http://10.1.2.3:11434/v1", "m"))
    assert caught.value.code == "unsafe"


def test_a_strict_server_that_refuses_stream_options_is_asked_again_without(fake_llm):
    server, base = fake_llm
    server.strict = True
    _pieces, text, usage = _collect(Endpoint(base, "m"))
    assert text == "Hello from the model"
    assert usage == [Usage(stream_options_refused=True)]
    assert [("stream_options" in r["body"]) for r in server.requests] == [True, False]


def test_without_include_usage_stream_options_is_not_sent(fake_llm):
    server, base = fake_llm
    server.strict = True
    _pieces, text, usage = _collect(Endpoint(base, "m"), include_usage=False)
    assert text == "Hello from the model" and usage == [Usage()]
    assert len(server.requests) == 1 and "stream_options" not in server.requests[0]["body"]


def test_a_request_refused_for_another_reason_is_not_taken_for_the_option(fake_llm):
    _server, base = fake_llm
    with pytest.raises(AssistantError) as caught:  # 404 twice would be wrong; 404 is not retried
        _collect(Endpoint(base.replace("/v1", "/v2"), "m"))
    assert caught.value.code == "http_error"
    assert len(_server.requests) == 1
