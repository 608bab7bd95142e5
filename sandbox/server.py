"""A threaded WSGI server for the sandbox (stdlib only), runnable in a thread for tests."""

from __future__ import annotations

import logging
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from sandbox.app import SandboxApp

logger = logging.getLogger(__name__)


class _Handler(WSGIRequestHandler):
    def get_environ(self):
        environ = super().get_environ()
        environ["sandbox.socket"] = self.connection  # lets the app drop the connection on purpose
        return environ

    def log_message(self, format, *args):
        logger.debug("%s - %s", self.address_string(), format % args)


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    # Benchmarks open ~100 connections at once; the stdlib default backlog of 5 would make
    # the kernel drop SYNs and add whole seconds of retransmit delay.
    request_queue_size = 1024


class SandboxServer:
    """`SandboxServer(app, port=0).start()` serves on loopback in a background thread."""

    def __init__(self, app: SandboxApp | None = None, *, host: str = "127.0.0.1", port: int = 0):
        self.app = app or SandboxApp()
        self.httpd = ThreadingWSGIServer((host, port), _Handler)
        self.httpd.set_app(self.app)
        self.host, self.port = self.httpd.server_address[:2]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> SandboxServer:
        self.app.state.start_autosave()
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="sandbox-server",
                                        kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.app.state.start_autosave()
        try:
            self.httpd.serve_forever(poll_interval=0.2)
        finally:
            self.close()

    def stop(self) -> None:
        self.httpd.shutdown()
        if self._thread:
            self._thread.join(5)
        self.close()

    def close(self) -> None:
        self.httpd.server_close()
        self.app.state.close()
