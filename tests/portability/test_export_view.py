"""Settings → Organisation → Download export: owners only, a POST, audited."""

import io
import json
import zipfile

import pytest

from accounts.models import AuditEntry
from accounts.roles import Role
from content.models import Post


@pytest.mark.django_db
def test_an_owner_downloads_the_organisation_as_an_archive(org, owner, login):
    Post.objects.create(organization=org, author=owner, text="Hello")
    client = login(owner)
    page = client.get(f"/o/{org.slug}/settings/").content.decode()
    assert "Download export" in page and f"/o/{org.slug}/settings/export/" in page

    response = client.post(f"/o/{org.slug}/settings/export/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f'filename="socialmgr-{org.slug}-' in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        posts = json.loads(archive.read("entities/posts.json"))
    assert manifest["organization"]["slug"] == org.slug
    assert [p["text"] for p in posts] == ["Hello"]
    entry = AuditEntry.objects.get(organization=org, verb="accounts.organization.exported")
    assert entry.actor == owner and entry.details["rows"] >= 2  # the post and the membership


@pytest.mark.django_db
def test_admins_neither_see_nor_use_the_export(org, member_of, login):
    client = login(member_of(Role.ADMIN))
    assert "Download export" not in client.get(f"/o/{org.slug}/settings/").content.decode()
    assert client.post(f"/o/{org.slug}/settings/export/").status_code == 403
    assert not AuditEntry.objects.filter(verb="accounts.organization.exported").exists()


@pytest.mark.django_db
def test_the_export_is_not_started_by_a_link(org, owner, login):
    assert login(owner).get(f"/o/{org.slug}/settings/export/").status_code == 405
