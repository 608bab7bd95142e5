"""A small client for OpenAI-compatible chat completions (OpenAI, Ollama, vLLM, LocalAI …).

POST <base>/chat/completions with `stream: true`; the answer is Server-Sent Events whose
`data:` lines are `chat.completion.chunk` objects (text in `choices[0].delta.content`),
ending with `data: [DONE]`. `stream_options.include_usage` asks for a last chunk with the
token counts; most servers that do not know it ignore it, but a strict one refuses the
request (400/422): then it is sent once more without it, and the `Usage` says so
(`stream_options_refused`) so the caller can stop asking. A missing `usage` is fine. A
server that answers with one `chat.completion` JSON object instead of a stream is read
too. Only `model`, `messages` and `stream` are required by every such server.

Every failure becomes an `AssistantError` with a message a person can act on; nothing
here raises anything else. The address goes through the SSRF guard (lib.netguard) before
the request and again on the connection itself.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lib.netguard import UnsafeURL, guarded_session, safe_public_url, user_agent

MAX_ANSWER_CHARS = 20_000  # far more than any post; stops a runaway answer
MAX_ERROR_DETAIL = 200


class AssistantError(Exception):
    """The assistant could not answer. `message` is translated and safe to show."""

    def __init__(self, message: str, *, code: str, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.retry_after = retry_after


@dataclass(frozen=True)
class Endpoint:
    base_url: str
    model: str
    api_key: str = ""

    @property
    def url(self) -> str:
        return chat_url(self.base_url)


@dataclass(frozen=True)
class Usage:
    """Token counts from the answer's `usage` field; None when the server did not say."""

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    # The server refused `stream_options` and answered the request sent without it.
    stream_options_refused: bool = False

    @property
    def reported(self) -> bool:
        return self.prompt_tokens is not None or self.completion_tokens is not None


def chat_url(base_url: str) -> str:
    """<base>/chat/completions; an address that already ends so is used as it is."""
    base = base_url.strip().rstrip("/")
    return base if base.endswith("/chat/completions") else f"{base}/chat/completions"


def stream_chat(endpoint: Endpoint, messages: list[dict], *, max_tokens: int | None = None,
                timeout: float | None = None, include_usage: bool = True,
                session: requests.Session | None = None) -> Iterator[str | Usage]:
    """Yield the answer's text as it arrives, then one `Usage`. Raises AssistantError."""
    timeout = float(timeout or settings.ASSISTANT_TIMEOUT)
    try:
        url = safe_public_url(endpoint.url)
    except UnsafeURL as exc:
        raise AssistantError(_("The assistant's address is not allowed: %(reason)s")
                             % {"reason": exc}, code="unsafe") from None
    body = {"model": endpoint.model, "messages": messages, "stream": True}
    if include_usage:
        body["stream_options"] = {"include_usage": True}
    if max_tokens:
        body["max_tokens"] = max_tokens
    headers = {"User-Agent": user_agent(), "Accept": "text/event-stream"}
    if endpoint.api_key:
        headers["Authorization"] = f"Bearer {endpoint.api_key}"
    deadline = time.monotonic() + timeout
    session = session or guarded_session()
    response = _post(session, url, body, headers, timeout)
    refused = False
    if include_usage and response.status_code in (400, 422):
        # A strict server refuses the optional field: ask once more without it.
        response.close()
        body.pop("stream_options")
        response = _post(session, url, body, headers, timeout)
        refused = response.status_code < 300
    with response:
        _raise_for_status(response)
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        try:
            pieces = _whole_answer(response) if kind == "application/json" \
                else _event_stream(response, deadline, timeout)
            for piece in pieces:
                if refused and isinstance(piece, Usage):
                    piece = replace(piece, stream_options_refused=True)
                yield piece
        except requests.Timeout:
            raise _timed_out(timeout) from None
        except requests.RequestException:
            raise AssistantError(_("The connection to the assistant broke off. Try again."),
                                 code="incomplete") from None


def _post(session: requests.Session, url: str, body: dict, headers: dict,
          timeout: float) -> requests.Response:
    try:
        return session.post(url, json=body, headers=headers, stream=True,
                            allow_redirects=False, timeout=(min(5.0, timeout), timeout))
    except UnsafeURL as exc:  # the connection's own check (DNS rebinding)
        raise AssistantError(_("The assistant's address is not allowed: %(reason)s")
                             % {"reason": exc}, code="unsafe") from None
    except requests.Timeout:
        raise _timed_out(timeout) from None
    except requests.RequestException:
        raise AssistantError(_("The assistant's endpoint could not be reached. An admin can "
                               "check its address under Settings → Writing assistant."),
                             code="unreachable") from None


def _timed_out(timeout: float) -> AssistantError:
    seconds = round(timeout)
    return AssistantError(ngettext(
        "The assistant did not answer within %(seconds)d second. Try again, or ask an admin "
        "to check the endpoint.",
        "The assistant did not answer within %(seconds)d seconds. Try again, or ask an admin "
        "to check the endpoint.", seconds) % {"seconds": seconds}, code="timeout")


def _retry_after(value: str | None) -> int | None:
    """Retry-After as seconds: either a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0, round(when.timestamp() - time.time()))


def _server_detail(response: requests.Response) -> str:
    """The error message the server put in `{"error": {"message": …}}`, shortened."""
    try:
        data = json.loads(response.raw.read(16 * 1024, decode_content=True) or b"{}")
    except (ValueError, requests.RequestException, OSError):
        return ""
    error = data.get("error") if isinstance(data, dict) else None
    message = error.get("message") if isinstance(error, dict) else error
    return message[:MAX_ERROR_DETAIL] if isinstance(message, str) else ""


def _raise_for_status(response: requests.Response) -> None:
    status = response.status_code
    if status < 300:
        return
    if status == 429:
        wait = _retry_after(response.headers.get("Retry-After"))
        if wait:
            message = ngettext(
                "The assistant's endpoint is busy (too many requests). Try again in "
                "%(seconds)d second.",
                "The assistant's endpoint is busy (too many requests). Try again in "
                "%(seconds)d seconds.", wait) % {"seconds": wait}
        else:
            message = _("The assistant's endpoint is busy (too many requests). Try again "
                        "in a moment.")
        raise AssistantError(message, code="rate_limited", retry_after=wait)
    if status < 400:
        raise AssistantError(_("The assistant's endpoint answered with a redirect. An admin "
                               "can enter its final address under Settings → Writing "
                               "assistant."), code="redirect")
    if status in (401, 403):
        raise AssistantError(_("The assistant's endpoint refused the API key. An admin can "
                               "check it under Settings → Writing assistant."), code="auth")
    detail = _server_detail(response)
    if status in (400, 404, 422):
        message = _("The assistant's endpoint did not accept the request (HTTP %(status)d). "
                    "An admin can check the address and the model name.") % {"status": status}
    else:
        message = _("The assistant's endpoint had a problem (HTTP %(status)d). Try again "
                    "later.") % {"status": status}
    if detail:
        message = _("%(message)s It said: %(detail)s") % {"message": message, "detail": detail}
    raise AssistantError(message, code="http_error")


def _malformed() -> AssistantError:
    return AssistantError(_("The assistant's answer could not be read (it is not in the "
                            "chat-completions format). An admin can check the endpoint."),
                          code="malformed")


def _usage_of(data: dict) -> Usage | None:
    usage = data.get("usage")
    if not isinstance(usage, dict):
        return None

    def count(key):
        value = usage.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 \
            else None

    found = Usage(count("prompt_tokens"), count("completion_tokens"))
    return found if found.reported else None


def _whole_answer(response: requests.Response) -> Iterator[str | Usage]:
    """A server that ignored `stream` and sent one chat.completion object."""
    raw = response.raw.read(MAX_ANSWER_CHARS * 4 + 1, decode_content=True)
    try:
        data = json.loads(raw)
        content = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise _malformed() from None
    if not isinstance(content, str):
        raise _malformed()
    yield content[:MAX_ANSWER_CHARS]
    yield _usage_of(data) or Usage()


def _events(response: requests.Response) -> Iterator[str]:
    """The `data` of each server-sent event (lines joined), comments and other fields skipped."""
    buffer = b""
    data: list[str] = []
    for chunk in response.iter_content(chunk_size=None):
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            text = line.rstrip(b"\r").decode("utf-8", errors="replace")
            if not text:
                if data:
                    yield "\n".join(data)
                    data = []
            elif text.startswith("data:"):
                data.append(text[5:].removeprefix(" "))
    tail = buffer.decode("utf-8", errors="replace").strip()
    if tail.startswith("data:"):
        data.append(tail[5:].removeprefix(" "))
    if data:
        yield "\n".join(data)


def _event_stream(response: requests.Response, deadline: float,
                  timeout: float) -> Iterator[str | Usage]:
    usage: Usage | None = None
    finished = False
    total = 0
    for payload in _events(response):
        if time.monotonic() > deadline:
            raise _timed_out(timeout)
        if payload.strip() == "[DONE]":
            yield usage or Usage()
            return
        try:
            chunk = json.loads(payload)
        except ValueError:
            raise _malformed() from None
        if not isinstance(chunk, dict):
            raise _malformed()
        if "error" in chunk:  # some servers report a failure inside the stream
            error = chunk["error"]
            detail = error.get("message") if isinstance(error, dict) else error
            raise AssistantError(_("The assistant's endpoint stopped with an error: "
                                   "%(detail)s") % {"detail": str(detail)[:MAX_ERROR_DETAIL]},
                                 code="http_error")
        usage = _usage_of(chunk) or usage
        choices = chunk.get("choices")
        if not isinstance(choices, list):
            raise _malformed()
        for choice in choices[:1]:
            if not isinstance(choice, dict):
                raise _malformed()
            delta = choice.get("delta") or {}
            content = delta.get("content") if isinstance(delta, dict) else None
            if content is not None and not isinstance(content, str):
                raise _malformed()
            if content:
                total += len(content)
                if total > MAX_ANSWER_CHARS:
                    raise AssistantError(_("The assistant's answer was far too long and was "
                                           "stopped."), code="too_long")
                yield content
            if choice.get("finish_reason"):
                finished = True
    if not finished:
        raise AssistantError(_("The assistant's answer broke off before it was complete. "
                               "Try again."), code="incomplete")
    yield usage or Usage()
