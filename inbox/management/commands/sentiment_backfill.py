"""Score the sentiment of stored inbox items and listening hits that have none yet.

    manage.py sentiment_backfill [--organization SLUG] [--rescore]

--rescore scores every item again (after the analyser changed); items a person corrected
are never touched.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organization
from inbox.services.sentiment import sentiment_backfill


class Command(BaseCommand):
    help = "Score the sentiment of inbox items that have none (corrected items are kept)."

    def add_arguments(self, parser):
        parser.add_argument("--organization", metavar="SLUG", help="Only this organisation.")
        parser.add_argument("--rescore", action="store_true",
                            help="Score every uncorrected item again, not only unscored ones.")

    def handle(self, *args, organization=None, rescore=False, **options):
        org = None
        if organization:
            org = Organization.objects.filter(slug=organization).first()
            if org is None:
                raise CommandError(f"No organisation with the slug {organization!r}.")
        count = sentiment_backfill(organization=org, rescore=rescore)
        self.stdout.write(f"Scored {count} item(s).")
