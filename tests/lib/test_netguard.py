import http.server
import threading

import pytest

from lib.netguard import (
    AddressNotAllowed,
    UnsafeURL,
    address_allowed,
    allowance,
    guarded_get,
    host_named_allowed,
    safe_public_url,
)


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
        elif self.path == "/redirect-loopback-ip":
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_address[1]}/ok")
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


# --- SSRF_ALLOW_HOSTS: the organisation's own servers -----------------------------------

@pytest.fixture
def guard(settings):
    settings.SSRF_ALLOW_LOOPBACK = False
    settings.SSRF_ALLOW_HOSTS = []
    return settings


def test_the_allow_list_is_parsed_into_names_domains_and_networks(guard):
    guard.SSRF_ALLOW_HOSTS = ["Mastodon.Internal.", "*.corp.example", "10.0.0.0/8",
                              "127.0.0.1", "fd00::/8", "bad host", "http://x.example"]
    allowed = allowance()
    assert allowed.hosts == {"mastodon.internal"} and allowed.domains == (".corp.example",)
    assert [str(n) for n in allowed.networks] == ["10.0.0.0/8", "127.0.0.1/32", "fd00::/8"]
    assert allowed.invalid == ("bad host", "http://x.example")
    assert not allowed.loopback


def test_nothing_private_is_allowed_by_default(guard):
    for address in ("10.1.2.3", "192.168.0.10", "127.0.0.1", "fd00::1"):
        assert not address_allowed(address, "mastodon.internal")


def test_a_listed_network_allows_its_addresses_whatever_the_name(guard):
    guard.SSRF_ALLOW_HOSTS = ["10.0.0.0/8"]
    assert address_allowed("10.20.30.40") and address_allowed("10.20.30.40", "any.example")
    assert address_allowed("::ffff:10.1.1.1")
    assert not address_allowed("192.168.1.1") and not address_allowed("127.0.0.1")


def test_a_listed_name_may_live_on_private_addresses_but_not_on_metadata_ones(guard):
    guard.SSRF_ALLOW_HOSTS = ["pds.internal", "*.corp.example"]
    assert address_allowed("192.168.1.5", "pds.internal")
    assert address_allowed("127.0.0.1", "PDS.internal.")
    assert address_allowed("100.64.1.2", "social.corp.example")  # a shared (VPN) range
    assert not address_allowed("192.168.1.5", "corp.example")  # *.x is what is under x
    assert not address_allowed("192.168.1.5", "other.internal")
    assert not address_allowed("192.168.1.5")  # no name: only networks count
    for address in ("169.254.169.254", "224.0.0.1", "0.0.0.0", "240.0.0.1"):  # noqa: S104
        assert not address_allowed(address, "pds.internal")


def test_plain_http_is_kept_only_for_named_servers(guard):
    guard.SSRF_ALLOW_HOSTS = ["mastodon.internal", "10.0.0.0/8"]
    assert host_named_allowed("mastodon.internal") and host_named_allowed("10.1.2.3")
    assert not host_named_allowed("social.example") and not host_named_allowed("127.0.0.1")
    guard.SSRF_ALLOW_LOOPBACK = True
    assert host_named_allowed("127.0.0.1") and host_named_allowed("localhost")


def test_a_refused_address_says_so_and_names_the_setting(guard):
    with pytest.raises(AddressNotAllowed) as info:
        safe_public_url("http://10.1.2.3/hook")
    message = str(info.value)
    assert "10.1.2.3 is not allowed" in message and "SSRF_ALLOW_HOSTS" in message
    with pytest.raises(UnsafeURL) as missing:  # a host that does not exist is not "refused"
        safe_public_url("http://no-such-host.invalid/")
    assert not isinstance(missing.value, AddressNotAllowed)
    assert "could not be found" in str(missing.value)


def test_a_named_host_is_reached_after_dns_resolution(local_server, guard):
    """`localhost` resolves to 127.0.0.1: allowed by name, the IP itself is not."""
    port = local_server.rsplit(":", 1)[1]
    guard.SSRF_ALLOW_HOSTS = ["localhost"]
    assert guarded_get(f"http://localhost:{port}/ok").json() == {"ok": True}
    with pytest.raises(AddressNotAllowed) as info:
        guarded_get(f"http://127.0.0.1:{port}/ok")
    assert "SSRF_ALLOW_HOSTS" in str(info.value)


def test_a_redirect_from_an_allowed_server_to_another_private_one_is_refused(local_server,
                                                                             guard):
    port = local_server.rsplit(":", 1)[1]
    guard.SSRF_ALLOW_HOSTS = ["localhost"]
    with pytest.raises(AddressNotAllowed):
        guarded_get(f"http://localhost:{port}/redirect-loopback-ip")
    with pytest.raises(AddressNotAllowed):
        guarded_get(f"http://localhost:{port}/redirect-private")
    guard.SSRF_ALLOW_HOSTS = ["localhost", "127.0.0.1"]
    assert guarded_get(f"http://localhost:{port}/redirect-loopback-ip").json() == {"ok": True}


def test_the_connection_check_applies_the_allowance_with_the_name_it_dialled(
        local_server, guard, monkeypatch):
    """With the pre-check out of the way (DNS rebinding), the socket's own check still
    allows a named host and refuses an unnamed one on the same address."""
    import lib.netguard as netguard

    port = local_server.rsplit(":", 1)[1]
    guard.SSRF_ALLOW_HOSTS = ["localhost"]
    monkeypatch.setattr(netguard, "safe_public_url", lambda url: url)
    assert guarded_get(f"http://localhost:{port}/ok").status_code == 200
    with pytest.raises(AddressNotAllowed):
        guarded_get(f"http://127.0.0.1:{port}/ok")


def test_the_development_switch_still_allows_loopback_for_any_name(local_server, guard):
    guard.SSRF_ALLOW_LOOPBACK = True
    assert guarded_get(f"{local_server}/ok").status_code == 200
    with pytest.raises(AddressNotAllowed):
        guarded_get(f"{local_server}/redirect-private")
