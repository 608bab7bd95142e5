"""The sandbox network: a pretend social platform that behaves like a real one over HTTP.

The demo (`make run`), the browser tests and the benchmarks talk to it instead of
the internet. It is a standalone WSGI application (no Django, no database): state
lives in memory behind a lock and can be persisted to a JSON file.

    python -m sandbox --port 8001 --state-file var/sandbox.json

The API is modelled on Mastodon's REST API (OAuth 2 authorisation code + PKCE,
statuses with `Idempotency-Key`, media with alt text, notifications with Link
paging, instance limits). Test knobs (latency, errors, rate limits, token expiry,
timeouts, responses lost after the write) and observability live under `/_sandbox/`.
"""

from sandbox.app import SandboxApp
from sandbox.knobs import Knobs
from sandbox.server import SandboxServer

__all__ = ["Knobs", "SandboxApp", "SandboxServer"]
