import http.server
import threading

import pytest

from lib.netguard import UnsafeURL, address_allowed, guarded_get, safe_public_url


@pytest.mark.parametrize("address", [
    "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "224.0.0.1", "0.0.0.0",  # noqa: S104
    "240.0.0.1", "100.64.0.1", "::ffff:10.0.0.1", "fe80::1", "fc00::1", "::",
])
def test_private_and_special_addresses_are_refused(address):
    assert not address_allowed(address)


def test_public_addresses_are_allowed():
    assert address_allowed("93.184.215.14")
    assert address_allowed("2606:4700::1111")


def test_loopback_only_with_the_setting(settings):
    settings.SSRF_ALLOW_LOOPBACK = False
    assert not address_allowed("127.0.0.1")
    with pytest.raises(UnsafeURL):
        safe_public_url("http://localhost:8000/")
    settings.SSRF_ALLOW_LOOPBACK = True
    assert address_allowed("127.0.0.1") and address_allowed("::1")


@pytest.mark.parametrize("url", [
    "ftp://example.com/", "file:///etc/passwd", "http://user:pw@example.com/", "http:///x",
    "http://10.1.2.3/", "http://[::1]/", "http://169.254.169.254/latest/meta-data/",
])
def test_unsafe_urls_are_refused(url, settings):
    settings.SSRF_ALLOW_LOOPBACK = False
    with pytest.raises(UnsafeURL):
        safe_public_url(url)


def test_unresolvable_host_is_refused():
    with pytest.raises(UnsafeURL):
        safe_public_url("http://no-such-host.invalid/")


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/redirect-private":
            self.send_response(302)
            self.send_header("Location", "http://10.0.0.1/secret")
            self.end_headers()
        elif self.path == "/redirect-ok":
            self.send_response(302)
            self.send_header("Location", "/ok")
            self.end_headers()
        elif self.path == "/big":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"x" * 5000)
        else:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"ok": true}')

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_guarded_get_fetches_follows_safe_redirects_and_caps_size(local_server, settings):
    settings.SSRF_ALLOW_LOOPBACK = True
    response = guarded_get(f"{local_server}/redirect-ok")
    assert response.status_code == 200 and response.json() == {"ok": True}
    assert response.url.endswith("/ok")
    with pytest.raises(UnsafeURL):
        guarded_get(f"{local_server}/redirect-private")
    with pytest.raises(UnsafeURL):
        guarded_get(f"{local_server}/big", max_bytes=1000)


def test_guarded_get_refuses_loopback_without_the_setting(local_server, settings):
    settings.SSRF_ALLOW_LOOPBACK = False
    with pytest.raises(UnsafeURL):
        guarded_get(f"{local_server}/ok")


def test_connection_level_check_catches_a_host_that_resolves_late(local_server, settings,
                                                                  monkeypatch):
    # DNS rebinding: the pre-check passes, but the socket ends up on loopback.
    import lib.netguard as netguard

    settings.SSRF_ALLOW_LOOPBACK = False
    monkeypatch.setattr(netguard, "safe_public_url", lambda url: url)
    with pytest.raises(UnsafeURL):
        guarded_get(f"{local_server}/ok")
