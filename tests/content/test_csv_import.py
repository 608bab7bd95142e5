"""CSV import: the whole file is validated first; nothing is imported if any row is wrong."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from content.models import Label, Post
from content.services.csv_import import csv_import, template_csv
from content.workflows import PostState

pytestmark = pytest.mark.django_db


def _csv(*rows, header="text,accounts,scheduled_at,labels,media_url"):
    return ("\n".join([header, *rows]) + "\n").encode()


def test_a_good_file_imports_every_row(org, accounts, member_of):
    approver = member_of("approver")
    a, b = accounts
    content = _csv(f"Hello from CSV,{a.handle}|{b.handle},2031-05-04 09:30,Spring|Launch,",
                   f"Second one,{a.pk},,,")
    result = csv_import(organization=org, actor=approver, content=content)
    assert result.ok, [r.errors for r in result.rows]
    first, second = Post.objects.for_org(org).order_by("pk")
    assert first.status == PostState.SCHEDULED
    assert first.targets.count() == 2
    assert {lbl.name for lbl in first.labels.all()} == {"Spring", "Launch"}
    assert first.scheduled_at.isoformat() == "2031-05-04T07:30:00+00:00"  # 09:30 CEST
    assert second.status == PostState.DRAFT and second.scheduled_at is None


def test_one_bad_row_imports_nothing_and_reports_each_row(org, accounts, member_of):
    approver = member_of("approver")
    a = accounts[0]
    content = _csv(f"Fine,{a.handle},2031-05-04 09:30,New label,",
                   "Unknown account,@nobody,2031-05-04 09:30,,",
                   f"Past,{a.handle},2001-01-01 10:00,,",
                   f"Bad time,{a.handle},next tuesday,,",
                   f",{a.handle},,,",
                   f"Fine,{a.handle},2031-05-04 09:30,,",
                   f"Gap,{a.handle},2031-03-30 02:30,,")
    result = csv_import(organization=org, actor=approver, content=content)
    assert not result.ok
    by_line = {r.line: r.errors for r in result.rows}
    assert by_line[2] == []
    assert "@nobody" in by_line[3][0]
    assert "past" in by_line[4][0]
    assert "not a time" in by_line[5][0]
    assert "empty" in by_line[6][0]
    assert "row 2" in by_line[7][0]
    assert "does not exist" in by_line[8][0]
    assert Post.objects.count() == 0
    assert not Label.objects.filter(name="New label").exists()


def test_text_over_the_platforms_limit_is_a_row_error(org, accounts, member_of):
    content = _csv(f"{'x' * 5000},{accounts[0].handle},,,")
    result = csv_import(organization=org, actor=member_of("approver"), content=content)
    assert not result.ok
    assert result.rows[0].errors and accounts[0].handle in result.rows[0].errors[0]
    assert Post.objects.count() == 0


def test_an_editor_imports_drafts_where_approval_is_required(org, accounts, member_of):
    org.approval_required = True
    org.save()
    content = _csv(f"Needs review,{accounts[0].handle},2031-05-04 09:30,,")
    result = csv_import(organization=org, actor=member_of("editor"), content=content)
    assert result.ok
    post = Post.objects.get()
    assert post.status == PostState.DRAFT and post.scheduled_at is not None


def test_files_without_the_required_columns_or_not_utf8_are_refused(org, accounts, member_of):
    editor = member_of("editor")
    assert "Missing columns" in csv_import(organization=org, actor=editor,
                                           content=b"foo,bar\n1,2\n").file_error
    assert "UTF-8" in csv_import(organization=org, actor=editor,
                                 content="text,accounts\nGrüße,x\n".encode("utf-16")).file_error


def test_the_template_is_downloadable_and_the_page_reports_errors(org, accounts, member_of,
                                                                   login):
    client = login(member_of("editor"))
    response = client.get(f"/o/{org.slug}/import/template.csv")
    assert response["Content-Type"].startswith("text/csv")
    header = response.content.decode().splitlines()[0]
    assert header == "text,accounts,scheduled_at,labels,media_url,media_alt"
    assert template_csv().startswith("text,accounts")
    upload = SimpleUploadedFile("posts.csv", _csv("Hi,@nobody,,,"), content_type="text/csv")
    page = client.post(f"/o/{org.slug}/import/", {"file": upload})
    assert page.status_code == 400
    html = page.content.decode()
    assert "Nothing was imported" in html and "@nobody" in html
    good = SimpleUploadedFile("posts.csv", _csv(f"Hi,{accounts[0].handle},,,"),
                              content_type="text/csv")
    assert client.post(f"/o/{org.slug}/import/", {"file": good}).status_code == 302
    assert Post.objects.count() == 1


def test_a_viewer_cannot_import(org, member_of, login):
    assert login(member_of("viewer")).get(f"/o/{org.slug}/import/").status_code == 403
