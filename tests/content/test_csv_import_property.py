"""Property test: whatever bytes or text arrive, the importer answers with reasons (never a
500) and writes all of a file or nothing of it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from content.models import Label, MediaAsset, Post
from content.services.csv_import import COLUMNS, csv_import

pytestmark = pytest.mark.django_db
_CHECKS = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
FAST = hsettings(max_examples=120, deadline=None, derandomize=True,
                 suppress_health_check=_CHECKS)
PAGES = hsettings(max_examples=40, deadline=None, derandomize=True,
                  suppress_health_check=_CHECKS)

cell = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "2031-05-04 09:30", "2001-01-01 10:00", "@nobody", "a|b", "\x00",
                     '"', '""', "x" * 140_000, "https://", "ftp://example.com/a.png", "\r",
                     "[", "{}", "\ufeff", "🌷"]),
)


@st.composite
def csv_files(draw, handle: str):
    columns = draw(st.lists(st.sampled_from([*COLUMNS, "", "extra"]), min_size=1, max_size=7))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    rows = draw(st.lists(st.lists(st.one_of(cell, st.just(handle)), max_size=8), max_size=6))
    lines = [delimiter.join(columns)] + [delimiter.join(r) for r in rows]
    text = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    return text.encode(encoding, errors="replace")


def _counts():
    return Post.objects.count(), Label.objects.count(), MediaAsset.objects.count()


def _import_keeps_all_or_nothing(org, actor, content: bytes) -> None:
    posts, labels, media = _counts()
    result = csv_import(organization=org, actor=actor, content=content)
    after = _counts()
    if result.ok:
        assert after[0] == posts + len(result.posts)
    else:
        assert after == (posts, labels, media)
        assert result.file_error or result.errors


def test_random_bytes(org, accounts, member_of, settings):
    settings.SSRF_ALLOW_LOOPBACK = False
    actor = member_of("approver")

    @FAST
    @given(st.binary(max_size=3000))
    def run(content):
        _import_keeps_all_or_nothing(org, actor, content)

    run()


def test_random_csv_like_text(org, accounts, member_of, settings):
    settings.SSRF_ALLOW_LOOPBACK = False
    actor = member_of("approver")

    @FAST
    @given(csv_files(accounts[0].handle))
    def run(content):
        _import_keeps_all_or_nothing(org, actor, content)

    run()


def test_random_json_like_text(org, accounts, member_of, settings):
    settings.SSRF_ALLOW_LOOPBACK = False
    actor = member_of("approver")
    values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), cell),
                          lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.sampled_from([*COLUMNS, "x"]), inner, max_size=6),
                          max_leaves=12)

    @FAST
    @given(values)
    def run(value):
        import json

        _import_keeps_all_or_nothing(org, actor, json.dumps(value).encode())

    run()


def test_the_import_page_never_answers_500(org, accounts, member_of, login, settings):
    settings.SSRF_ALLOW_LOOPBACK = False
    client = login(member_of("editor"))

    @PAGES
    @given(st.one_of(st.binary(max_size=500), csv_files(accounts[0].handle)))
    def run(content):
        upload = SimpleUploadedFile("posts.csv", content, content_type="text/csv")
        response = client.post(f"/o/{org.slug}/import/", {"file": upload})
        assert response.status_code in (302, 400)

    run()
