"""CSV import with media by URL (fetched through the SSRF guard from a real local HTTP
server), malformed files, and the export that re-imports cleanly."""

import csv
import datetime as dt
import http.server
import io
import json
import os
import tempfile
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.audit_text import describe
from accounts.models import AuditEntry
from content.models import Label, MediaAsset, Post
from content.services.csv_import import COLUMNS, csv_import
from content.services.media import media_upload
from content.services.post_export import posts_export
from content.services.posts import PostData, post_create
from tests.factories import ConnectedAccountFactory

pytestmark = pytest.mark.django_db
HEADER = ",".join(COLUMNS)


def _png(color="teal", size=(64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="PNG")
    return buf.getvalue()


def _truncated() -> bytes:
    buf = io.BytesIO()
    Image.effect_noise((200, 200), 60).save(buf, format="PNG")
    return buf.getvalue()[:-4000]


class _Media(http.server.BaseHTTPRequestHandler):
    hits: list = []

    def do_GET(self):
        type(self).hits.append(self.path)
        path = self.path.split("?", 1)[0]
        routes = {
            "/a.png": (200, "image/png", _png("teal")),
            "/b.png": (200, "image/png", _png("orange")),
            "/octet.png": (200, "application/octet-stream", _png("navy")),
            "/page.html": (200, "text/html", b"<html>not an image</html>"),
            "/broken.png": (200, "image/png", _truncated()),
            "/fake.png": (200, "image/png", b"GIF89a but not really an image at all"),
            "/big.png": (200, "image/png", b"\x89PNG" + b"0" * 300_000),
        }
        if path == "/slow.png":  # a server that drips its answer
            import time

            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            for _ in range(4):
                self.wfile.write(b"\x89PNG" + b"0" * (64 * 1024 - 4))
                self.wfile.flush()
                time.sleep(0.4)
            return
        if path == "/to-private":
            self.send_response(302)
            self.send_header("Location", "http://10.0.0.7/secret.png")
            self.end_headers()
            return
        if path == "/to-a":
            self.send_response(301)
            self.send_header("Location", "/a.png")
            self.end_headers()
            return
        status, ctype, body = routes.get(path, (404, "text/plain", b"missing"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(settings):
    settings.SSRF_ALLOW_LOOPBACK = True
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Media)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Media.hits = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def temp_dir(tmp_path, monkeypatch):
    """Where fetched files wait: checked to be empty after every import."""
    path = tmp_path / "tmp"
    path.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(path))
    return path


@pytest.fixture
def approver(member_of):
    return member_of("approver")


def _csv(*rows) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def _stored_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return [os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files] \
        if os.path.exists(root) else []


def test_rows_name_several_media_by_url_with_alt_texts(org, accounts, approver, server,
                                                       temp_dir):
    a = accounts[0]
    content = _csv(f"Two pictures,{a.handle},2031-05-04 09:30,,"
                   f"{server}/a.png|{server}/to-a,Teal square|Teal again",
                   f"Only a picture,{a.handle},,,{server}/octet.png,")
    result = csv_import(organization=org, actor=approver, content=content)
    assert result.ok, [r.errors for r in result.rows]
    first, second = Post.objects.for_org(org).order_by("pk")
    media = list(first.targets.get().attachments.select_related("asset"))
    assert [m.alt_text for m in media] == ["Teal square", "Teal again"]
    assert media[0].asset.source == f"{server}/a.png" and media[0].asset.width == 64
    assert media[0].asset.alt_text == "Teal square"
    assert second.text == "Only a picture"
    assert second.targets.get().attachments.get().asset.content_type == "image/png"
    assert MediaAsset.objects.for_org(org).count() == 3
    assert list(temp_dir.iterdir()) == []
    entry = AuditEntry.objects.get(verb="content.post.imported")
    assert "imported 2 posts from a file" in describe(entry)


@pytest.mark.parametrize(("path", "reason"), [
    ("/missing.png", "HTTP 404"),
    ("/page.html", "not an image or video"),
    ("/broken.png", "damaged or incomplete"),
    ("/fake.png", "not an image we can read"),
    ("/to-private", "not a public internet address"),
])
def test_a_failed_fetch_is_a_row_error_and_nothing_is_imported(org, accounts, approver, server,
                                                               temp_dir, settings, path,
                                                               reason):
    a = accounts[0]
    content = _csv(f"Fine,{a.handle},,New label,{server}/a.png,",
                   f"Broken media,{a.handle},,,{server}{path},")
    result = csv_import(organization=org, actor=approver, content=content)
    assert not result.ok
    by_line = {r.line: r.errors for r in result.rows}
    assert by_line[2] == []
    assert len(by_line[3]) == 1 and f"{server}{path}" in by_line[3][0]
    assert reason in by_line[3][0]
    assert Post.objects.count() == 0 and MediaAsset.objects.count() == 0
    assert not Label.objects.filter(name="New label").exists()
    assert _stored_files(settings) == [] and list(temp_dir.iterdir()) == []


def test_size_limit_and_loopback_without_the_setting(org, accounts, approver, server, settings,
                                                     temp_dir):
    settings.MEDIA_MAX_IMAGE_BYTES = 100_000
    a = accounts[0]
    result = csv_import(organization=org, actor=approver,
                        content=_csv(f"Big,{a.handle},,,{server}/big.png,"))
    assert "too large" in result.rows[0].errors[0]
    _Media.hits.clear()
    settings.SSRF_ALLOW_LOOPBACK = False
    result = csv_import(organization=org, actor=approver,
                        content=_csv(f"Local,{a.handle},,,{server}/a.png,",
                                     f"Scheme,{a.handle},,,file:///etc/passwd,"))
    assert "not a public internet address" in result.rows[0].errors[0]
    assert "Only http and https" in result.rows[1].errors[0]
    assert _Media.hits == [] and MediaAsset.objects.count() == 0


def test_a_slow_answer_and_a_long_import_stop_with_a_reason(org, accounts, approver, server,
                                                           temp_dir, monkeypatch):
    from content.services import csv_import as importer
    from content.services import media_fetch

    monkeypatch.setattr(media_fetch, "FETCH_SECONDS", 0.5)
    a = accounts[0]
    result = csv_import(organization=org, actor=approver,
                        content=_csv(f"Slow,{a.handle},,,{server}/slow.png,"))
    assert "took too long" in result.rows[0].errors[0]
    monkeypatch.setattr(importer, "FETCH_BUDGET_S", -1)
    result = csv_import(organization=org, actor=approver,
                        content=_csv(f"Late,{a.handle},,,{server}/a.png,"))
    assert "fetching the media took too long" in result.rows[0].errors[0]
    assert MediaAsset.objects.count() == 0 and list(temp_dir.iterdir()) == []


def test_the_same_address_is_fetched_once_and_stored_once(org, accounts, approver, server,
                                                          temp_dir):
    a, b = accounts
    content = _csv(f"One,{a.handle},,,{server}/a.png,", f"Two,{b.handle},,,{server}/a.png,")
    assert csv_import(organization=org, actor=approver, content=content).ok
    assert _Media.hits == ["/a.png"] and MediaAsset.objects.count() == 1


def test_network_media_limits_are_checked_with_the_fetched_files(org, approver, server,
                                                                 temp_dir, sandbox):
    account = ConnectedAccountFactory(organization=org)
    urls = "|".join(f"{server}/{'a' if i % 2 else 'b'}.png?{i}" for i in range(6))
    result = csv_import(organization=org, actor=approver,
                        content=_csv(f"Six pictures,{account.handle},,,{urls},"))
    errors = result.rows[0].errors
    assert errors and account.handle in errors[0] and "takes at most 4 images" in errors[0]
    assert MediaAsset.objects.count() == 0 and list(temp_dir.iterdir()) == []


def test_more_alt_texts_than_media_and_too_many_media_are_refused(org, accounts, approver):
    a = accounts[0]
    eleven = "|".join(f"https://example.com/{i}.png" for i in range(11))
    result = csv_import(organization=org, actor=approver, content=_csv(
        f"Alts,{a.handle},,,https://example.com/1.png,one|two",
        f"Eleven,{a.handle},,,{eleven},"))
    assert "more alt texts" in result.rows[0].errors[0]
    assert "At most 10 media" in result.rows[1].errors[0]


# --- malformed files ------------------------------------------------------------------------

def test_malformed_files_are_reported_per_row_and_nothing_is_saved(org, accounts, approver,
                                                                   login):
    a = accounts[0]
    huge = "x" * 140_000
    content = _csv(f"Good,{a.handle},,,,",
                   f"Nul\x00byte,{a.handle},,,,",
                   f"{huge},{a.handle},,,,",
                   f"Extra,{a.handle},,,,,surplus",
                   f"Bell\x07,{a.handle},,,,")
    result = csv_import(organization=org, actor=approver, content=content)
    by_line = {r.line: r.errors for r in result.rows}
    assert by_line[2] == []
    assert "control character (U+0000)" in by_line[3][0]
    assert "longer than 131,072 characters" in by_line[4][0]
    assert "more values than there are columns" in by_line[5][0]
    assert "U+0007" in by_line[6][0]
    assert Post.objects.count() == 0
    client = login(approver)
    page = client.post(f"/o/{org.slug}/import/",
                       {"file": SimpleUploadedFile("posts.csv", content)})
    assert page.status_code == 400 and "U+0000" in page.content.decode()
    assert Post.objects.count() == 0


@pytest.mark.parametrize(("content", "message"), [
    ("text;accounts\nGrüße;x\n".encode("latin-1"), "Line 2 is not UTF-8"),
    (b"", "empty"),
    (b"text,accounts,foo,bar\n1,2\n", "Unknown columns: bar, foo"),
    (b"text,text,accounts\n", "Columns named twice: text"),
    (b"text,labels\nhi,x\n", "Missing columns: accounts"),
    (b"text,accounts\n", "no rows"),
    (b"[1, 2", "not valid JSON"),
    (b'{"text": "x"}', "Missing columns"),
])
def test_broken_files_are_refused_with_a_reason(org, accounts, approver, content, message):
    result = csv_import(organization=org, actor=approver, content=content)
    assert message in result.file_error
    assert Post.objects.count() == 0


def test_semicolon_files_from_german_excel_are_read(org, accounts, approver):
    a = accounts[0]
    content = f"text;accounts;scheduled_at\n„Hallo“, Welt;{a.handle};\n".encode()
    result = csv_import(organization=org, actor=approver, content=content)
    assert result.ok and Post.objects.get().text == "„Hallo“, Welt"


# --- export and round trip ------------------------------------------------------------------

def _planned_posts(org, accounts, approver):
    a, b = accounts
    picture = media_upload(organization=org, actor=approver, alt_text="Library alt",
                           upload=SimpleUploadedFile("teal.png", _png()))
    label = Label.objects.create(organization=org, name="Spring")
    at = (timezone.now() + dt.timedelta(days=3)).replace(second=0, microsecond=0)
    first = post_create(organization=org, actor=approver, data=PostData(
        text="With a picture, a comma and \"quotes\"\nand a second line",
        account_ids=[a.pk, b.pk], media=[(picture.pk, "Teal | square")],
        label_ids=[label.pk], scheduled_at=at))
    second = post_create(organization=org, actor=approver, data=PostData(
        text="A draft without a time", account_ids=[a.pk]))
    return first, second, picture


def _shape(post):
    targets = list(post.targets.order_by("account_id"))
    return (post.text, [t.account_id for t in targets], post.scheduled_at,
            sorted(lbl.name for lbl in post.labels.all()),
            [(m.asset_id, m.alt_text) for m in targets[0].attachments.all()])


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_re_imports_cleanly(org, accounts, approver, fmt, settings):
    settings.SSRF_ALLOW_LOOPBACK = False  # our own media are not fetched: never a request
    originals = _planned_posts(org, accounts, approver)[:2]
    export = posts_export(organization=org, actor=approver, fmt=fmt)
    assert export.count == 2
    if fmt == "csv":
        assert export.body.splitlines()[0] == HEADER
        rows = list(csv.DictReader(io.StringIO(export.body)))
    else:
        rows = json.loads(export.body)
        assert list(rows[0]) == COLUMNS
    assert rows[0]["media_url"].startswith(settings.SITE_URL)
    before = set(Post.objects.values_list("pk", flat=True))
    result = csv_import(organization=org, actor=approver, content=export.body.encode())
    assert result.ok, [r.errors for r in result.rows]
    copies = Post.objects.exclude(pk__in=before).order_by("pk")
    expected = [_shape(p) for p in originals]
    expected[0][4][0] = (expected[0][4][0][0], "Teal / square")  # | separates alt texts
    assert [_shape(p) for p in copies] == expected
    assert MediaAsset.objects.count() == 1  # the library's file, not a copy
    entry = AuditEntry.objects.get(verb="content.post.exported")
    assert describe(entry).endswith(f"exported 2 planned posts as {fmt.upper()}.")


def test_the_export_shows_what_the_member_may_see(org, accounts, approver, member_of, login,
                                                  other_org):
    from accounts.models import AccountAccess, Membership

    _planned_posts(org, accounts, approver)
    old = post_create(organization=org, actor=approver, data=PostData(
        text="Long ago", account_ids=[accounts[0].pk]))
    Post.objects.filter(pk=old.pk).update(status="archived",
                                          scheduled_at=timezone.now() - dt.timedelta(days=9))
    restricted = member_of("editor")
    AccountAccess.objects.create(
        membership=Membership.objects.get(user=restricted, organization=org),
        account=accounts[1])
    client = login(restricted)
    response = client.get(f"/o/{org.slug}/posts/export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["accounts"] for r in rows] == [accounts[1].handle]
    viewer = login(member_of("viewer"))
    everything = json.loads(viewer.get(f"/o/{org.slug}/posts/export.json?scope=all").content)
    assert {"Long ago", "A draft without a time"} <= {r["text"] for r in everything}
    assert viewer.get(f"/o/{org.slug}/posts/export.xml").status_code == 404


def test_media_of_another_organisation_are_not_taken_over(org, other_org, accounts, approver,
                                                           member_of, settings):
    settings.SSRF_ALLOW_LOOPBACK = False
    _planned_posts(org, accounts, approver)
    body = posts_export(organization=org, actor=approver).body
    other = member_of("approver", other_org)
    account = ConnectedAccountFactory(organization=other_org)
    body = body.replace(accounts[0].handle, account.handle)
    body = body.replace(f"|{accounts[1].handle}", "")
    result = csv_import(organization=other_org, actor=other, content=body.encode())
    assert not result.ok
    assert any("not a public internet address" in e for r in result.rows for e in r.errors)
    assert MediaAsset.objects.for_org(other_org).count() == 0


def test_export_and_import_through_the_pages_keep_the_library(org, accounts, approver, login,
                                                              settings):
    settings.SSRF_ALLOW_LOOPBACK = False
    _planned_posts(org, accounts, approver)
    client = login(approver)
    body = client.get(f"/o/{org.slug}/posts/export.csv").content
    assert b"http://testserver/media/" in body  # the address the person uses
    upload = SimpleUploadedFile("export.csv", body, content_type="text/csv")
    assert client.post(f"/o/{org.slug}/import/", {"file": upload}).status_code == 302
    assert Post.objects.count() == 4 and MediaAsset.objects.count() == 1
