"""Link previews: parsed safely, cached, and never fetched from private addresses."""

import http.server
import threading

import pytest
from django.core.cache import cache

from content.models import LinkPreview
from content.services.link_preview import first_url, link_preview_fetch, parse_preview

PAGE = b"""<!doctype html><html><head>
<title>Fallback title</title>
<meta property="og:title" content="Spring &amp; launch">
<meta property="og:description" content="<script>alert(1)</script> New things">
<meta property="og:image" content="/img/card.png">
<meta property="og:site_name" content="Acme Blog">
<script>document.write('never run')</script>
</head><body>hi</body></html>"""


class _Handler(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self):
        type(self).hits += 1
        if self.path == "/to-private":
            self.send_response(302)
            self.send_header("Location", "http://10.0.0.7/admin")
            self.end_headers()
            return
        if self.path == "/to-metadata":
            self.send_response(301)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Handler.hits = 0
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_first_url_is_found_in_text():
    assert first_url("Read this: https://example.com/a?b=1. Thanks") == \
        "https://example.com/a?b=1"
    assert first_url("no link here") == ""


def test_opengraph_is_parsed_without_running_anything():
    preview = parse_preview("https://blog.example.com/post", PAGE.decode())
    assert preview.title == "Spring & launch"
    assert preview.description == "<script>alert(1)</script> New things"  # escaped on render
    assert preview.image_url == "https://blog.example.com/img/card.png"
    assert preview.site_name == "Acme Blog"


@pytest.mark.django_db
def test_preview_is_fetched_once_and_cached(server, settings):
    settings.SSRF_ALLOW_LOOPBACK = True  # the test server is on loopback
    first = link_preview_fetch(f"{server}/post")
    second = link_preview_fetch(f"{server}/post")
    assert first.title == "Spring & launch" and first == second
    assert _Handler.hits == 1
    assert LinkPreview.objects.filter(title="Spring & launch").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/", "http://localhost/", "http://10.0.0.5/", "http://192.168.0.1/",
    "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "file:///etc/passwd",
])
def test_private_loopback_and_link_local_addresses_are_refused(url, settings):
    settings.SSRF_ALLOW_LOOPBACK = False
    assert link_preview_fetch(url).error == "refused"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/to-private", "/to-metadata"])
def test_redirect_to_a_private_address_is_refused(server, settings, path):
    settings.SSRF_ALLOW_LOOPBACK = True
    preview = link_preview_fetch(f"{server}{path}")
    assert preview.error == "refused"
    assert preview.title == ""


@pytest.mark.django_db
def test_preview_fragment_escapes_page_data(server, settings, login, member_of, org):
    settings.SSRF_ALLOW_LOOPBACK = True
    client = login(member_of("editor"))
    response = client.get(f"/o/acme/compose/link-preview/?text=see {server}/post")
    html = response.content.decode()
    assert "Spring &amp; launch" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
