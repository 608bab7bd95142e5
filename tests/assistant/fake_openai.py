"""A local chat-completions server shaped by the OpenAI reference, for the assistant's tests.

POST /v1/chat/completions answers, by `FakeOpenAI.mode`:
- "stream": `text/event-stream`, chunked; `data: {chat.completion.chunk}` events (the first
  with the role, then content deltas, the last with `finish_reason: "stop"`), a usage chunk
  with `choices: []` when `stream_options.include_usage` was asked for, then `data: [DONE]`.
- "json": one `chat.completion` object (a server that ignores `stream`).
- "slow": waits `delay` seconds before the first byte.
- "429": Too Many Requests with `Retry-After: 7` and an OpenAI error object.
- "malformed": a stream whose second event is not JSON.
- "cutoff": a stream that ends without a finish_reason or [DONE].
- "401": an invalid API key error.
`FakeOpenAI.strict = True` makes it a server that refuses unknown fields (400 naming them, as
OpenAI does for an unrecognised argument), `stream_options` included.
Every request is recorded (path, headers, JSON body).
"""

from __future__ import annotations

import http.server
import json
import threading
import time


class FakeOpenAI:
    mode = "stream"
    answer = "Hello from the model"
    pieces: list[str] | None = None
    delay = 0.0
    pause = 0.01  # between two pieces of a stream
    usage = {"prompt_tokens": 42, "completion_tokens": 8, "total_tokens": 50}
    strict = False
    requests: list[dict] = []

    @classmethod
    def reset(cls):
        cls.mode, cls.answer, cls.pieces, cls.delay = "stream", "Hello from the model", None, 0.0
        cls.pause, cls.strict = 0.01, False
        cls.usage = {"prompt_tokens": 42, "completion_tokens": 8, "total_tokens": 50}
        cls.requests = []


KNOWN_FIELDS = {"model", "messages", "stream", "max_tokens", "temperature"}


def _chunk(delta: dict, finish: str | None = None) -> dict:
    return {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1733600000,
            "model": "fake-model", "system_fingerprint": "fp_fake",
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send_json(self, status: int, payload: dict, headers: dict | None = None):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _write_chunk(self, data: bytes):
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _event(self, payload):
        text = payload if isinstance(payload, str) else json.dumps(payload)
        self._write_chunk(f"data: {text}\n\n".encode())

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        FakeOpenAI.requests.append({"path": self.path, "headers": dict(self.headers),
                                    "body": body})
        if self.path != "/v1/chat/completions":
            return self._send_json(404, {"error": {"message": "Not found", "type": "invalid"}})
        mode = FakeOpenAI.mode
        unknown = sorted(set(body or {}) - KNOWN_FIELDS)
        if FakeOpenAI.strict and unknown:
            return self._send_json(400, {"error": {
                "message": f"Unrecognized request argument supplied: {', '.join(unknown)}",
                "type": "invalid_request_error", "param": None, "code": None}})
        if mode == "401":
            return self._send_json(401, {"error": {
                "message": "Incorrect API key provided.", "type": "invalid_request_error",
                "code": "invalid_api_key"}})
        if mode == "429":
            return self._send_json(429, {"error": {
                "message": "Rate limit reached for requests", "type": "requests",
                "code": "rate_limit_exceeded"}}, headers={"Retry-After": "7"})
        if mode == "slow":
            time.sleep(FakeOpenAI.delay)
        if mode == "json":
            return self._send_json(200, {
                "id": "chatcmpl-fake", "object": "chat.completion", "created": 1733600000,
                "model": "fake-model",
                "choices": [{"index": 0, "message": {"role": "assistant",
                                                     "content": FakeOpenAI.answer},
                             "logprobs": None, "finish_reason": "stop"}],
                "usage": FakeOpenAI.usage})
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            self._event(_chunk({"role": "assistant", "content": ""}))
            if mode == "malformed":
                self._write_chunk(b"data: {not json at all\n\n")
            else:
                pieces = FakeOpenAI.pieces or [w + " " for w in FakeOpenAI.answer.split(" ")]
                pieces[-1] = pieces[-1].rstrip(" ")
                for piece in pieces:
                    self._event(_chunk({"content": piece}))
                    time.sleep(FakeOpenAI.pause)
                if mode != "cutoff":
                    self._event(_chunk({}, finish="stop"))
                    wants_usage = (body or {}).get("stream_options", {}).get("include_usage")
                    if wants_usage and FakeOpenAI.usage:
                        self._event({"id": "chatcmpl-fake", "object": "chat.completion.chunk",
                                     "created": 1733600000, "model": "fake-model",
                                     "choices": [], "usage": FakeOpenAI.usage})
                    self._event("[DONE]")
            self._write_chunk(b"")
        except (BrokenPipeError, ConnectionResetError):
            pass


def start() -> tuple[http.server.ThreadingHTTPServer, str]:
    FakeOpenAI.reset()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/v1"
