"""Organisation export → import as a new organisation: everything comes back, with new ids."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import AccountStatus, AuditEntry, ConnectedAccount, Organization
from accounts.roles import Role
from analytics.models import AccountMetricSnapshot, AnalyticsSettings, PostMetricSnapshot
from content.models import (
    ApprovalStep,
    Label,
    MediaAsset,
    Post,
    PostComment,
    PostTarget,
    PostTargetMedia,
    Snippet,
)
from inbox.models import InboxItem, InboxNote, InboxReply, InboxSettings, SavedReply
from socialmgr.portability.entities import ENTITIES, FORMAT_VERSION
from socialmgr.portability.exporter import export_organization
from socialmgr.portability.importer import ImportRefused, import_organization
from tests.factories import ConnectedAccountFactory, MembershipFactory, OrganizationFactory

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def source(db):
    """An organisation with a bit of everything, and a second one that must not leak in."""
    org = OrganizationFactory(name="Acme", slug="acme", timezone="Europe/Berlin",
                              language="de", approval_required=True)
    owner = MembershipFactory(organization=org, role=Role.OWNER).user
    editor = MembershipFactory(organization=org, role=Role.EDITOR).user
    account = ConnectedAccountFactory(organization=org, access_token_encrypted="secret-token",
                                      last_synced_at=timezone.now())
    label = Label.objects.create(organization=org, name="Launch", colour="blue")
    Snippet.objects.create(organization=org, name="Signature", text="— Team Acme")
    step = ApprovalStep.objects.create(organization=org, order=1, name="Legal", role="approver")
    step.members.set([owner])
    asset = MediaAsset(organization=org, original_name="cat.png", kind="image",
                       content_type="image/png", width=1, height=1, size=len(PNG),
                       alt_text="A cat", created_by=editor)
    asset.file.save("cat.png", ContentFile(PNG), save=False)
    asset.save()
    post = Post.objects.create(organization=org, author=editor, text="Hallo Welt",
                               status="scheduled", timezone="Europe/Berlin",
                               scheduled_at=timezone.now() + dt.timedelta(days=1))
    post.labels.set([label])
    target = PostTarget.objects.create(post=post, account=account, text="Hallo Welt",
                                       status="scheduled",
                                       next_attempt_at=post.scheduled_at)
    PostTargetMedia.objects.create(target=target, asset=asset, position=0, alt_text="A cat")
    published = Post.objects.create(organization=org, author=owner, text="Done", status="scheduled")
    done = PostTarget.objects.create(post=published, account=account, text="Done",
                                     status="published", remote_id="123",
                                     remote_url="https://social.example/@acme/123",
                                     published_at=timezone.now() - dt.timedelta(days=3))
    first = PostComment.objects.create(post=post, author=owner, body="Looks good")
    PostComment.objects.create(post=post, parent=first, author=editor, body="Thanks")
    parent = InboxItem.objects.create(organization=org, account=account, kind="comment",
                                      remote_id="c1", author_handle="@fan", author_name="Fan",
                                      text="Love it", created_at=timezone.now(),
                                      assignee=editor, raw={"id": "c1"})
    child = InboxItem.objects.create(organization=org, account=account, kind="comment",
                                     remote_id="c2", parent=parent, parent_remote_id="c1",
                                     author_handle="@fan2", text="Me too",
                                     created_at=timezone.now())
    InboxNote.objects.create(item=child, author=owner, text="VIP")
    InboxReply.objects.create(item=parent, author=editor, text="Thank you!", status="sent",
                              remote_id="r1")
    SavedReply.objects.create(organization=org, title="Thanks", text="Thank you!",
                              created_by=owner)
    InboxSettings.objects.create(organization=org, replies_require_approval=True)
    AnalyticsSettings.objects.create(organization=org, utm_enabled=True)
    day = timezone.now().date()
    AccountMetricSnapshot.objects.create(organization=org, account=account, metric="followers",
                                         value=1234, day=day, fetched_at=timezone.now())
    PostMetricSnapshot.objects.create(organization=org, account=account, target=done,
                                      age_bucket=24, fetched_at=timezone.now(), likes=7,
                                      reach=99)
    # Another organisation's data stays out of the archive.
    other = OrganizationFactory(name="Globex", slug="globex")
    ConnectedAccountFactory(organization=other)
    Post.objects.create(organization=other, author=owner, text="Not Acme's")
    return org


def _export(org) -> bytes:
    out = io.BytesIO()
    export_organization(org, out)
    return out.getvalue()


def _entities(data: bytes) -> dict[str, list[dict]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        return {name: json.loads(archive.read(meta["file"]))
                for name, meta in manifest["entities"].items()}


def _normalised(entities: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Ids replaced by positions, so two exports of equal data compare equal."""
    from django.apps import apps

    position = {e.model: {row["id"]: i for i, row in enumerate(entities[e.name])}
                for e in ENTITIES}
    labels = {e.name: e.model for e in ENTITIES}
    out = {}
    for name, rows in entities.items():
        model = apps.get_model(labels[name])
        result = []
        for row in rows:
            row = dict(row, id=position[labels[name]][row["id"]])
            for f in model._meta.get_fields():
                if f.name in row and f.is_relation and f.related_model is Organization:
                    row[f.name] = "the organisation"
                elif f.name in row and f.is_relation and f.related_model._meta.label in position:
                    ids = position[f.related_model._meta.label]
                    value = row[f.name]
                    row[f.name] = ([ids[v] for v in value] if isinstance(value, list)
                                   else ids.get(value) if value is not None else None)
            row.pop("idempotency_key", None)  # unique per row: new on import
            if "file" in row:
                row["file"] = bool(row["file"])  # the storage may pick a free name
            result.append(row)
        out[name] = result
    return out


@pytest.mark.django_db
def test_an_exported_organisation_imports_as_a_new_one_with_everything(source):
    before = {e.name: n for e, n in zip(ENTITIES, map(len, _entities(_export(source)).values()),
                                        strict=True)}
    first = _export(source)

    copy = import_organization(io.BytesIO(first), slug="acme-copy", name="Acme (copy)")

    assert copy.pk != source.pk and (copy.slug, copy.name) == ("acme-copy", "Acme (copy)")
    assert (copy.timezone, copy.language, copy.approval_required) == ("Europe/Berlin", "de", True)
    exported, again = _entities(first), _entities(_export(copy))
    assert {name: len(rows) for name, rows in again.items()} == before
    assert all(before[name] for name in ("posts", "post_targets", "media_assets", "inbox_items",
                                         "inbox_replies", "account_metric_snapshots",
                                         "post_metric_snapshots", "labels", "saved_replies",
                                         "memberships", "post_comments"))
    # New rows: no id of the copy is one of the source's.
    for name in exported:
        assert not {r["id"] for r in exported[name]} & {r["id"] for r in again[name]}, name

    expected, actual = _normalised(exported), _normalised(again)
    # What an import changes on purpose: accounts need reconnecting, their due posts wait.
    for row in expected["connected_accounts"]:
        row.update(status=AccountStatus.NEEDS_RECONNECT, last_error=actual[
            "connected_accounts"][0]["last_error"])
    for row in expected["post_targets"]:
        if row["status"] == "scheduled":
            row.update(status="paused", next_attempt_at=None)
    assert actual == expected

    # The same people, the same roles; files copied byte for byte; the source untouched.
    assert sorted(copy.memberships.values_list("user__email", "role")) == sorted(
        source.memberships.values_list("user__email", "role"))
    asset = MediaAsset.objects.get(organization=copy)
    assert asset.file.read() == PNG
    assert asset.file.name != MediaAsset.objects.get(organization=source).file.name
    assert ConnectedAccount.objects.get(organization=source).status == AccountStatus.ACTIVE
    imported = ConnectedAccount.objects.get(organization=copy)
    assert imported.access_token_encrypted == ""
    assert PostTarget.objects.get(post__organization=copy, status="published").remote_url
    reply_to = InboxItem.objects.get(organization=copy, remote_id="c2").parent
    assert reply_to.organization == copy and reply_to.remote_id == "c1"
    assert AuditEntry.objects.filter(organization=copy,
                                     verb="accounts.organization.imported").exists()


@pytest.mark.django_db
def test_the_archive_holds_no_secrets_and_documents_itself(source):
    data = _export(source)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        everything = b"".join(archive.read(n) for n in names if not n.startswith("media/"))
    assert manifest["format"] == "socialmgr-organization-export"
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["organization"]["slug"] == "acme"
    assert manifest["entities"]["posts"]["count"] == 2
    assert any(n.startswith("media/") and n.endswith(".png") for n in names)
    assert b"secret-token" not in everything
    assert b"password" not in everything and b"md5$" not in everything
    assert b"Globex" not in everything and b"Not Acme" not in everything


@pytest.mark.django_db
def test_a_bad_archive_is_refused_and_changes_nothing(source, tmp_path):
    data = _export(source)
    orgs = Organization.objects.count()
    with pytest.raises(ImportRefused, match="exists already"):
        import_organization(io.BytesIO(data))  # the slug is taken
    with pytest.raises(ImportRefused, match="not a zip"):
        import_organization(io.BytesIO(b"hello"))
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(broken, "w") as new:
        for name in old.namelist():
            content = old.read(name)
            if name == "manifest.json":
                content = content.replace(b'"format_version": 1', b'"format_version": 99')
            new.writestr(name, content)
    with pytest.raises(ImportRefused, match="format version 99"):
        import_organization(io.BytesIO(broken.getvalue()), slug="acme-new")
    half = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(half, "w") as new:
        for name in old.namelist():
            if name != "entities/inbox_items.json":
                new.writestr(name, old.read(name))
    with pytest.raises(ImportRefused, match=r"inbox_items\.json"):
        import_organization(io.BytesIO(half.getvalue()), slug="acme-new")
    assert Organization.objects.count() == orgs
    assert MediaAsset.objects.count() == 1  # no half-imported rows, no orphan files


@pytest.mark.django_db
def test_the_commands_export_and_import(source, tmp_path, capsys):
    path = tmp_path / "acme.zip"
    call_command("export_organization", "acme", str(path))
    assert "Exported acme" in capsys.readouterr().out
    assert AuditEntry.objects.filter(organization=source,
                                     verb="accounts.organization.exported").exists()
    call_command("import_organization", str(path), "--slug", "acme-2")
    assert "Imported as acme-2" in capsys.readouterr().out
    assert Post.objects.filter(organization__slug="acme-2").count() == 2
    with pytest.raises(CommandError, match="no organisation"):
        call_command("export_organization", "nope", str(path))
    with pytest.raises(CommandError, match="exists already"):
        call_command("import_organization", str(path), "--slug", "acme-2")
