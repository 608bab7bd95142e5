"""The WSGI application: routing, then latency, faults, auth and rate limits around each call."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import math
import random
import socket
import threading
import time
from functools import partial

from sandbox import api, listening, oauth, world
from sandbox.admin import Admin
from sandbox.knobs import Fault, FaultPlan, Knobs
from sandbox.state import State
from sandbox.stats import Stats
from sandbox.web import (
    HttpError,
    Request,
    Response,
    Router,
    json_response,
)

logger = logging.getLogger(__name__)

REASONS = {200: "OK", 201: "Created", 302: "Found", 400: "Bad Request", 401: "Unauthorized",
           403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
           422: "Unprocessable Entity", 429: "Too Many Requests", 500: "Internal Server Error",
           502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}
ERROR_TEXT = {500: "We're sorry, but something went wrong on our end.",
              502: "Bad gateway", 503: "Service temporarily unavailable"}


class SandboxApp:
    def __init__(self, knobs: Knobs | None = None, *, state_file: str | None = None,
                 admin_secret: str = ""):
        self.knobs = knobs or Knobs.from_env()
        self.state = State(self.knobs, state_file)
        self.stats = Stats()
        self.faults = FaultPlan(self.knobs)
        self.admin = Admin(self.state, self.stats, self.faults, admin_secret)
        self.admin.on_reset = self.reset_rate_limits
        self.router = self._routes()
        self._windows: dict[str, list[float]] = {}  # rate-limit key -> [window start, calls]
        self._windows_lock = threading.Lock()
        self._jitter = random.Random()

    def _routes(self) -> Router:
        r, s = Router(), self.state
        admin = self.admin
        api_routes = [
            ("GET", "/api/v1/instance", partial(api.instance, s), False),
            ("GET", "/api/v2/instance", partial(api.instance, s, version=2), False),
            ("POST", "/api/v1/apps", partial(oauth.register_app, s), False),
            ("GET", "/api/v1/accounts/verify_credentials", partial(api.verify_credentials, s),
             True),
            ("GET", "/api/v1/accounts/:id", partial(api.get_account, s), True),
            ("GET", "/api/v1/accounts/:id/statuses", partial(api.account_statuses, s), True),
            ("POST", "/api/v1/media", partial(api.upload_media, s), True),
            ("POST", "/api/v2/media", partial(api.upload_media, s), True),
            ("POST", "/api/v1/statuses", partial(api.create_status, s, stats=self.stats), True),
            ("GET", "/api/v1/statuses", partial(api.get_statuses, s), True),
            ("GET", "/api/v1/statuses/:id", partial(api.get_status, s), True),
            ("GET", "/api/v1/statuses/:id/context", partial(api.status_context, s), True),
            ("DELETE", "/api/v1/statuses/:id", partial(api.delete_status, s), True),
            ("GET", "/api/v1/notifications", partial(api.notifications, s), True),
            ("GET", "/api/v1/timelines/tag/:hashtag", partial(listening.tag_timeline, s), False),
            ("GET", "/api/v2/search", partial(listening.search, s), True),
        ]
        for method, path, handler, auth in api_routes:
            r.add(method, path, handler, kind="api", auth=auth)
        r.add("POST", "/oauth/token", partial(oauth.token, s), kind="api", auth=False)
        r.add("POST", "/oauth/revoke", partial(oauth.revoke, s), kind="api", auth=False)
        r.add("GET", "/oauth/authorize", partial(oauth.authorize_page, s), kind="page")
        r.add("POST", "/oauth/authorize", partial(oauth.authorize_decide, s), kind="page")
        r.add("GET", "/@:username", partial(api.profile_page, s), kind="page")
        r.add("GET", "/@:username/:id", partial(api.status_page, s), kind="page")
        r.add("GET", "/avatars/:id.svg", partial(api.avatar, s), kind="page")
        r.add("GET", "/avatars/:id.png", partial(api.avatar_png, s), kind="page")
        r.add("GET", "/media/:id", partial(api.media_file, s), kind="page")
        r.add("GET", "/_sandbox/style.css", lambda req: Response(
            200, oauth.STYLE.encode(), {}, "text/css; charset=utf-8"), kind="page")
        for method, path, handler in [
            ("GET", "/_sandbox/knobs", admin.get_knobs),
            ("POST", "/_sandbox/knobs", admin.set_knobs),
            ("POST", "/_sandbox/faults", admin.add_faults),
            ("GET", "/_sandbox/stats", admin.stats_view), ("POST", "/_sandbox/reset", admin.reset),
            ("POST", "/_sandbox/accounts", admin.create_account),
            ("POST", "/_sandbox/expire_tokens", admin.expire_tokens),
            ("POST", "/_sandbox/inject", admin.inject), ("POST", "/_sandbox/save", admin.save),
            ("POST", "/_sandbox/public", admin.public_post),
        ]:
            r.add(method, path, handler, kind="admin")
        return r

    # --- WSGI -----------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        received_at = time.time()
        route = "?"
        try:
            req = Request.from_environ(environ)
            route, handler, params, options = self.router.match(req.method, req.path)
            response = self._handle(req, route, handler, params, options, received_at, environ)
        except HttpError as exc:
            response = json_response(exc.body, exc.status, exc.headers)
        except ConnectionAbortedError:
            raise  # a deliberately dropped connection: wsgiref closes it quietly
        except Exception:
            logger.exception("sandbox: error in %s", route)
            response = json_response({"error": ERROR_TEXT[500]}, 500)
        if route != "?" and not route.split(" ", 1)[1].startswith("/_sandbox"):
            self.stats.answer(route, response.status)
        headers = [("Content-Type", response.content_type),
                   ("Content-Length", str(len(response.body))), *response.headers.items()]
        start_response(f"{response.status} {REASONS.get(response.status, 'Unknown')}", headers)
        return [response.body]

    def _handle(self, req: Request, route: str, handler, params: dict, options: dict,
                received_at: float, environ: dict) -> Response:
        kind = options.get("kind")
        if kind == "admin":
            self.admin.check(req)
            return handler(req)
        if kind == "page":
            return handler(req, **params)
        self.stats.call(route)
        token = _bearer(req)
        with self.state.lock:
            grant = self.state.world["tokens"].get(token) if token else None
            account_id = grant["account_id"] if grant else ""
        self._sleep_latency()
        fault = self.faults.decide(route, account_id)
        if fault:
            self.stats.fault(route, fault.kind)
            self._fault_before(fault, environ)
        account = None
        if options.get("auth"):
            account, problem = self._authenticate(token)
            if account is None:
                raise HttpError(401, "The access token is invalid", headers={
                    "WWW-Authenticate": f'Bearer realm="Sandbox", error="invalid_token", '
                                        f'error_description="{problem}"'})
        limit_headers = self._rate_limit(account_id or f"ip:{req.remote_addr}")
        if route == "POST /api/v1/statuses":
            response = handler(req, account, received_at=received_at, **params)
        elif options.get("auth"):
            response = handler(req, account, **params)
        else:
            response = handler(req, **params)
        response.headers.update(limit_headers)
        if fault and fault.kind == "lost":
            # The work is done; the answer never arrives.
            if self.knobs.lost_mode == "drop":
                _drop(environ)
            return json_response({"error": ERROR_TEXT[502]}, 502)
        return response

    def _authenticate(self, token: str) -> tuple[dict | None, str]:
        with self.state.lock:
            account, problem = world.token_problem(self.state, token)
        return account, problem

    def _sleep_latency(self) -> None:
        latency = self.knobs.latency_ms
        if self.knobs.jitter_ms:
            latency += self._jitter.uniform(-self.knobs.jitter_ms, self.knobs.jitter_ms)
        if latency > 0:
            time.sleep(latency / 1000)

    def _fault_before(self, fault: Fault, environ: dict) -> None:
        if fault.kind == "error":
            status = fault.status or 503
            raise HttpError(status, fault.message or ERROR_TEXT.get(status, "Server error"))
        if fault.kind == "reject":
            raise HttpError(fault.status or 422, fault.message or "Validation failed")
        if fault.kind == "malformed":  # a 200 without the documented shape (no id …)
            malformed = HttpError(200, "")
            malformed.body = {"unexpected": True}
            raise malformed
        if fault.kind == "rate_limited":
            wait = fault.retry_after if fault.retry_after is not None else max(
                1.0, self.knobs.retry_after_s)
            raise HttpError(429, "Too many requests", headers={
                "Retry-After": str(math.ceil(wait))})
        if fault.kind == "drop":
            _drop(environ)
            raise HttpError(502, ERROR_TEXT[502])  # only without a socket to drop
        if fault.kind == "timeout":
            time.sleep(self.knobs.timeout_s)  # then do the work, as a slow real server would

    def _rate_limit(self, key: str) -> dict[str, str]:
        limit, window = int(self.knobs.rate_limit_calls), self.knobs.rate_limit_window_s
        if limit <= 0:
            return {}
        now = time.time()
        with self._windows_lock:
            entry = self._windows.get(key)
            if entry is None or now - entry[0] >= window:
                entry = self._windows[key] = [now, 0]
            entry[1] += 1
            start, calls = entry
        reset = start + window
        headers = {"X-RateLimit-Limit": str(limit),
                   "X-RateLimit-Remaining": str(max(0, limit - int(calls))),
                   "X-RateLimit-Reset": dt.datetime.fromtimestamp(reset, dt.UTC).isoformat()}
        if calls > limit:
            raise HttpError(429, "Too many requests", headers={
                **headers, "Retry-After": str(max(1, math.ceil(reset - now)))})
        return headers

    def reset_rate_limits(self) -> None:
        with self._windows_lock:
            self._windows.clear()


def _bearer(req: Request) -> str:
    auth = req.headers.get("authorization", "")
    return auth[7:].strip() if auth.lower().startswith("bearer ") else ""


def _drop(environ: dict) -> None:
    """Close the connection without an answer (the client sees a reset / remote disconnect)."""
    sock = environ.get("sandbox.socket")
    if sock is None:
        return
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    raise ConnectionAbortedError("dropped on purpose")
