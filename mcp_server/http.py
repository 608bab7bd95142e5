"""/mcp/: the SDK's streamable HTTP transport, served by a Django view.

Stateless with JSON answers: every POST is one JSON-RPC exchange, no session lives
between requests, so it runs wherever Django runs (runserver, gunicorn's WSGI workers)
and any worker may answer any request. The token is checked first, exactly as the REST
API checks it (401 with `WWW-Authenticate: Bearer`); the SDK's app then handles the
request inside this thread's event loop, and the tools' ORM work comes back to this
thread (`calls.call`)."""

from __future__ import annotations

import threading

import anyio
from asgiref.sync import async_to_sync
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from mcp.server.transport_security import TransportSecuritySettings
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header

from api.authentication import BearerTokenAuthentication
from mcp_server.server import build_server

PATH = "/mcp/"
_STATE_KEY = "socialmgr_principal"


def _principal_of_request(ctx):
    return ctx.request_context.request.scope["state"][_STATE_KEY]


SERVER = build_server(_principal_of_request)
_build_lock = threading.Lock()


def _transport():
    """A fresh session manager per request (one can be run only once). Django already
    checked the Host header (ALLOWED_HOSTS), and a bearer token is needed, so the SDK's
    own DNS-rebinding check is left off."""
    with _build_lock:  # streamable_http_app() replaces the server's session manager
        app = SERVER.streamable_http_app(
            streamable_http_path=PATH, stateless_http=True, json_response=True,
            transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False))
        return app, SERVER.session_manager


def _unauthorized(detail: str) -> JsonResponse:
    response = JsonResponse({"detail": detail, "code": "not_authenticated"}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="mcp"'
    return response


def _authenticate(request):
    if not get_authorization_header(request):
        raise exceptions.NotAuthenticated()
    found = BearerTokenAuthentication().authenticate(request)
    if found is None:  # another scheme than Bearer
        raise exceptions.NotAuthenticated()
    return found[1]


async def _serve(request, principal) -> HttpResponse:
    app, manager = _transport()
    body = request.body
    sent = anyio.Event()
    delivered = False
    start: dict = {}
    chunks: list[bytes] = []

    async def receive():
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await sent.wait()  # the client "disconnects" only once the answer is complete
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                sent.set()

    host, _sep, port = request.get_host().partition(":")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
        "method": request.method, "scheme": request.scheme, "path": PATH,
        "raw_path": PATH.encode(), "root_path": "",
        "query_string": request.META.get("QUERY_STRING", "").encode(),
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1"))
                    for k, v in request.headers.items()],
        "client": (request.META.get("REMOTE_ADDR") or "", 0),
        "server": (host, int(port) if port.isdigit() else 0),
        "state": {_STATE_KEY: principal},
    }
    async with manager.run():
        await app(scope, receive, send)
    response = HttpResponse(b"".join(chunks), status=start.get("status", 500))
    for key, value in start.get("headers", []):
        name = key.decode("latin-1")
        if name.lower() not in ("content-length", "transfer-encoding", "connection"):
            response[name] = value.decode("latin-1")
    return response


@csrf_exempt
def mcp_endpoint(request):
    try:
        principal = _authenticate(request)
    except exceptions.AuthenticationFailed as error:
        return _unauthorized(str(error.detail))
    except exceptions.NotAuthenticated:
        return _unauthorized(_("Send your API token as “Authorization: Bearer <token>”."))
    return async_to_sync(_serve)(request, principal)
