"""manage.py export_organization SLUG FILE — write an organisation to an archive.

The archive format is described in docs/data-export.md (and socialmgr/portability).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.audit import audit_record
from accounts.models import Organization
from socialmgr.portability.exporter import export_organization


class Command(BaseCommand):
    help = "Export an organisation (posts, media, inbox, analytics, settings) to a zip file."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the organisation's address (/o/<slug>/)")
        parser.add_argument("file", help="where to write the .zip archive")

    def handle(self, *args, slug, file, **options):
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"There is no organisation with the address {slug!r}.")
        path = Path(file)
        if path.is_dir():
            raise CommandError(f"{path} is a directory; give a file name.")
        with path.open("wb") as out:
            manifest = export_organization(organization, out)
        audit_record(organization=organization, actor=None,
                     verb="accounts.organization.exported", target=organization,
                     details={"via": "command"})
        total = sum(e["count"] for e in manifest["entities"].values())
        self.stdout.write(f"Exported {organization.slug}: {total} rows, "
                          f"{manifest['media']['count']} media files → {path}")
