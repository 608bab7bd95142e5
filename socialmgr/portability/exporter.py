"""Write an organisation into the archive format of `socialmgr.portability.entities`."""

import json
import zipfile
from typing import BinaryIO

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from accounts.models import Membership, Organization
from socialmgr.portability.entities import (
    ENTITIES,
    FORMAT,
    FORMAT_VERSION,
    ORGANIZATION_FIELDS,
    USER_FIELDS,
    Entity,
)


def exported_fields(model: type[models.Model], entity: Entity) -> list[models.Field]:
    """Concrete fields and plain many-to-many fields (not those with a `through` model,
    whose rows are an entity of their own), minus the entity's exclusions."""
    fields = [f for f in model._meta.concrete_fields if f.name not in entity.exclude]
    fields += [f for f in model._meta.many_to_many
               if f.remote_field.through._meta.auto_created and f.name not in entity.exclude]
    return fields


def _is_user(field: models.Field) -> bool:
    return field.is_relation and field.related_model is apps.get_model(settings.AUTH_USER_MODEL)


def _row(obj: models.Model, fields: list[models.Field], files: set[str]) -> dict:
    row = {}
    for f in fields:
        if f.many_to_many:
            related = getattr(obj, f.name).all()
            row[f.name] = sorted(u.email for u in related) if _is_user(f) else sorted(
                r.pk for r in related)
        elif _is_user(f):
            user = getattr(obj, f.name)
            row[f.name] = user.email if user else None
        elif f.is_relation:
            row[f.name] = getattr(obj, f.attname)
        elif isinstance(f, models.FileField):
            name = getattr(obj, f.attname).name or ""
            row[f.name] = name
            if name:
                files.add(name)
        else:
            row[f.name] = f.value_from_object(obj)
    return row


def export_organization(organization: Organization, out: BinaryIO) -> dict:
    """Write `organization` as a zip archive to `out`; returns the manifest."""
    files: set[str] = set()
    entities = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entity in ENTITIES:
            model = apps.get_model(entity.model)
            fields = exported_fields(model, entity)
            user_fields = [f.name for f in fields if _is_user(f) and not f.many_to_many]
            queryset = model._base_manager.filter(**{entity.org_path: organization}).order_by("pk")
            if user_fields:
                queryset = queryset.select_related(*user_fields)
            m2m = [f.name for f in fields if f.many_to_many]
            if m2m:
                queryset = queryset.prefetch_related(*m2m)
            rows = [_row(obj, fields, files) for obj in queryset.iterator(chunk_size=2000)]
            path = f"entities/{entity.name}.json"
            archive.writestr(path, json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False))
            entities[entity.name] = {"model": entity.model, "file": path, "count": len(rows)}

        people = (Membership.objects.filter(organization=organization).select_related("user")
                  .order_by("user__email"))
        users = [{f: getattr(m.user, f) for f in USER_FIELDS} for m in people]
        archive.writestr("entities/users.json", json.dumps(users, ensure_ascii=False))

        media = []
        for name in sorted(files):
            if not default_storage.exists(name):
                continue  # a file lost from the volume: the row still says which it was
            with default_storage.open(name, "rb") as fh:
                archive.writestr(f"media/{name}", fh.read())
            media.append(name)

        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "exported_at": timezone.now().isoformat(),
            "organization": {f: getattr(organization, f) for f in ORGANIZATION_FIELDS},
            "users": {"file": "entities/users.json", "count": len(users)},
            "entities": entities,
            "media": {"prefix": "media/", "count": len(media)},
        }
        archive.writestr("manifest.json", json.dumps(manifest, cls=DjangoJSONEncoder, indent=2,
                                                     ensure_ascii=False))
    return manifest
