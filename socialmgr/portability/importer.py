"""Create a new organisation from an export archive (format: socialmgr.portability.entities).

Every row gets a new id; foreign keys are mapped from the archive's ids to the new ones,
people are found by email address. Members who have no user in this installation get
one without a password (they set it with "Forgot password"). Imported platform accounts
need reconnecting (the archive holds no tokens); their scheduled posts wait, paused, and
go out once the account is reconnected. It all happens in one transaction: a bad archive
changes nothing.
"""

import json
import uuid
import zipfile
from typing import BinaryIO

from django.apps import apps
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AccountStatus, Organization
from content.workflows import TargetState
from socialmgr.portability.entities import (
    ENTITIES,
    FORMAT,
    FORMAT_VERSION,
    ORGANIZATION_FIELDS,
    TARGETS_THAT_WAIT,
    USER_FIELDS,
    Entity,
)
from socialmgr.portability.exporter import exported_fields


class ImportRefused(Exception):
    """The archive cannot be imported; the message says why. Nothing was changed."""


class _Import:
    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.ids: dict[str, dict[int, int]] = {}  # model label → {archive id: new id}
        self.users: dict[str, object] = {}  # lower-case email → User
        self.saved_files: list[str] = []
        self.User = apps.get_model(settings.AUTH_USER_MODEL)

    def read_json(self, path: str):
        try:
            return json.loads(self.archive.read(path))
        except KeyError as exc:
            raise ImportRefused(_("The archive has no %(path)s.") % {"path": path}) from exc
        except ValueError as exc:
            raise ImportRefused(_("%(path)s in the archive is not valid JSON.")
                                % {"path": path}) from exc

    def user(self, email: str | None):
        return self.users.get(email.lower()) if email else None

    def load_users(self, rows: list[dict]) -> None:
        """Members: found by email, or created without a password."""
        self.resolve_user_emails({row["email"] for row in rows})
        for row in rows:
            if row["email"].lower() in self.users:
                continue
            user = self.User(**{f: row.get(f) or "" for f in USER_FIELDS})
            user.set_unusable_password()
            user.full_clean(exclude=["password"])
            user.save()
            self.users[user.email.lower()] = user

    def resolve_user_emails(self, emails: set[str]) -> None:
        """Other people (authors who have left) are linked when they exist here."""
        missing = {e.lower() for e in emails if e and e.lower() not in self.users}
        if missing:
            found = self.User.objects.annotate(email_lower=Lower("email")).filter(
                email_lower__in=missing)
            self.users.update({u.email.lower(): u for u in found})

    def new_id(self, model: type[models.Model], old: int | None, field: str) -> int | None:
        if old is None:
            return None
        try:
            return self.ids[model._meta.label][old]
        except KeyError as exc:
            raise ImportRefused(
                _("A row refers to %(model)s %(id)s through %(field)s, which the archive "
                  "does not hold.") % {"model": model._meta.label, "id": old, "field": field}
            ) from exc

    def save_file(self, name: str) -> str:
        if not name:
            return ""
        try:
            content = self.archive.read(f"media/{name}")
        except KeyError:
            return name  # exported without its file (lost from the source's volume)
        try:
            saved = default_storage.save(name, ContentFile(content))
        except SuspiciousFileOperation as exc:
            raise ImportRefused(_("The archive names a file outside the media directory: "
                                  "%(name)s") % {"name": name}) from exc
        self.saved_files.append(saved)
        return saved

    def import_entity(self, entity: Entity, organization: Organization, rows: list[dict]) -> int:
        model = apps.get_model(entity.model)
        fields = exported_fields(model, entity)
        User = self.User
        self.resolve_user_emails({row.get(f.name) for row in rows for f in fields
                                  if f.is_relation and not f.many_to_many
                                  and f.related_model is User} - {None})
        objects, deferred, m2m = [], [], []
        for row in rows:
            values, later, many = {}, {}, {}
            for f in fields:
                if f.name not in row:
                    continue
                value = row[f.name]
                if f.many_to_many:
                    many[f.name] = value
                elif f.primary_key:
                    continue
                elif f.is_relation and f.related_model is Organization:
                    values[f.attname] = organization.pk
                elif f.is_relation and f.related_model is User:
                    values[f.attname] = getattr(self.user(value), "pk", None)
                elif f.is_relation and f.related_model is model:
                    later[f.attname] = value  # a row of this table: mapped once all exist
                elif f.is_relation:
                    values[f.attname] = self.new_id(f.related_model, value, f.name)
                elif isinstance(f, models.FileField):
                    values[f.attname] = self.save_file(value)
                elif isinstance(f, models.UUIDField) and f.unique:
                    values[f.attname] = uuid.uuid4()  # e.g. idempotency keys: unique per row
                else:
                    values[f.attname] = f.to_python(value)
            self.adjust(model, values)
            objects.append(model(**values))
            deferred.append(later)
            m2m.append(many)
        created = model._base_manager.bulk_create(objects, batch_size=1000)
        self.ids[model._meta.label] = {row["id"]: obj.pk for row, obj in zip(rows, created,
                                                                             strict=True)}
        # auto_now(_add) fields were overwritten on create: put the archive's times back,
        # and point rows at rows of the same table (replies to replies, threads).
        timestamps = [f.attname for f in fields
                      if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
        self_refs = sorted({name for later in deferred for name in later})
        for obj, row, later in zip(created, rows, deferred, strict=True):
            for name in timestamps:
                setattr(obj, name, model._meta.get_field(name).to_python(row.get(name)))
            for name, old in later.items():
                setattr(obj, name, self.new_id(model, old, name))
        if timestamps or self_refs:
            model._base_manager.bulk_update(created, [*timestamps, *self_refs], batch_size=1000)
        for obj, many in zip(created, m2m, strict=True):
            for name, values in many.items():
                f = model._meta.get_field(name)
                if f.related_model is User:
                    self.resolve_user_emails(set(values))
                    related = [u for u in (self.user(e) for e in values) if u]
                else:
                    related = [self.new_id(f.related_model, v, name) for v in values]
                getattr(obj, name).set(related)
        return len(created)

    @staticmethod
    def adjust(model: type[models.Model], values: dict) -> None:
        """Installation-bound state: no tokens came along, so nothing can be sent yet."""
        label = model._meta.label
        if label == "accounts.ConnectedAccount" and values.get("disconnected_at") is None:
            values["status"] = AccountStatus.NEEDS_RECONNECT
            values["last_error"] = _("Imported from another installation: reconnect this "
                                     "account.")
        elif label == "content.PostTarget" and values.get("status") in TARGETS_THAT_WAIT:
            values["status"] = TargetState.PAUSED
            values["next_attempt_at"] = None


def _open(source: BinaryIO) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except zipfile.BadZipFile as exc:
        raise ImportRefused(_("This is not an organisation export (not a zip file).")) from exc


def _check_manifest(manifest: dict) -> None:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ImportRefused(_("This is not an organisation export (manifest.json does not "
                              "name the format)."))
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise ImportRefused(
            _("The archive has format version %(version)s; this installation reads version "
              "%(supported)s.") % {"version": version, "supported": FORMAT_VERSION})


def import_organization(source: BinaryIO, *, slug: str | None = None, name: str | None = None,
                        actor=None) -> Organization:
    """Create a new organisation from the archive in `source` (a path-like or binary file)."""
    with _open(source) as archive:
        job = _Import(archive)
        manifest = job.read_json("manifest.json")
        _check_manifest(manifest)
        try:
            with transaction.atomic():
                org_values = {f: manifest["organization"].get(f) for f in ORGANIZATION_FIELDS}
                org_values.pop("created_at", None)
                org_values["slug"] = slug or org_values["slug"]
                org_values["name"] = name or org_values["name"]
                if Organization.objects.filter(slug=org_values["slug"]).exists():
                    raise ImportRefused(
                        _("An organisation with the address “%(slug)s” exists already; choose "
                          "another with --slug.") % {"slug": org_values["slug"]})
                organization = Organization(**org_values)
                organization.full_clean()
                organization.save()
                job.load_users(job.read_json(manifest["users"]["file"]))
                counts = {}
                for entity in ENTITIES:
                    listed = manifest["entities"].get(entity.name)
                    rows = job.read_json(listed["file"]) if listed else []
                    counts[entity.name] = job.import_entity(entity, organization, rows)
                audit_record(organization=organization, actor=actor,
                             verb="accounts.organization.imported", target=organization,
                             details={"exported_at": manifest.get("exported_at"),
                                      "counts": counts})
        except (ValidationError, IntegrityError, KeyError, TypeError, ValueError) as exc:
            _remove(job.saved_files)
            reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise ImportRefused(_("The archive could not be imported: %(error)s")
                                % {"error": reason}) from exc
        except ImportRefused:
            _remove(job.saved_files)
            raise
    return organization


def _remove(names: list[str]) -> None:
    """Files saved before the transaction rolled back would be orphans."""
    for name in names:
        default_storage.delete(name)
