"""manage.py import_organization FILE [--slug NEW] [--name NAME] — a new organisation from
an archive written by export_organization (here or on another installation)."""

from django.core.management.base import BaseCommand, CommandError

from socialmgr.portability.importer import ImportRefused, import_organization


class Command(BaseCommand):
    help = "Create a new organisation from an export archive (accounts must be reconnected)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .zip archive")
        parser.add_argument("--slug",
                            help="the new organisation's address (default: the archive's)")
        parser.add_argument("--name", help="the new organisation's name (default: the archive's)")

    def handle(self, *args, file, slug=None, name=None, **options):
        try:
            with open(file, "rb") as source:
                organization = import_organization(source, slug=slug, name=name)
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {file}") from exc
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Imported as {organization.slug} ({organization.name}). Its "
                          "platform accounts need reconnecting under Settings → Accounts; "
                          "their scheduled posts wait until then.")
