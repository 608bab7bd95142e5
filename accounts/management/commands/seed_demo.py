"""Create (or refresh) the demo organisation: `python manage.py seed_demo`.

Idempotent: running it again changes nothing but what DEMO_PASSWORD asks for.
`--reset` removes the demo organisation and everything in it (posts, accounts, media,
conversations, analytics; never another organisation's data) and seeds it again.
Other apps add their demo data through `accounts.demo.DEMO_SEEDERS`.
"""

import os
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from accounts.models import Membership, Organization, User
from accounts.roles import Role

DEMO_SLUG = "demo"
DEMO_USERS = {
    Role.OWNER: "demo@example.com",
    Role.ADMIN: "admin@example.com",
    Role.APPROVER: "approver@example.com",
    Role.EDITOR: "editor@example.com",
    Role.VIEWER: "viewer@example.com",
}
# Dotted paths to callables seed(org, users) that add each feature's demo data.
DEMO_SEEDERS: list[str] = [
    "accounts.demo.seed",  # first: other seeders post to these accounts
    "analytics.demo.seed",  # four weeks of published history
    "content.demo.seed",  # media library, the next two weeks' posts, drafts in review
    "inbox.demo.seed",  # listening: saved searches backfilled from the sandbox's chatter
    "inbox.demo.seed_conversations",  # about 150 conversations, some answered, some open
]
# Dotted paths to callables reset(org) that remove what the cascade from the organisation
# cannot (files, protected rows), before `--reset` deletes the organisation.
DEMO_RESETTERS: list[str] = [
    "content.demo.reset",  # posts first (their attachments protect the media), media files
]
# The team's names, so pages say "Anna Berger" rather than an e-mail address.
DEMO_NAMES = {
    Role.OWNER: ("Anna", "Berger"),
    Role.ADMIN: ("Jonas", "Keller"),
    Role.APPROVER: ("Miriam", "Stein"),
    Role.EDITOR: ("Lukas", "Brandt"),
    Role.VIEWER: ("Sofia", "Wolf"),
}


class Command(BaseCommand):
    help = "Create the demo organisation 'Demo' (slug demo) with one member of each role."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true",
                            help="remove the demo organisation's data and seed it again")

    def handle(self, *args, **options):
        password, source = self._password()
        if options["reset"]:
            self._reset()
        with transaction.atomic():
            org, _ = Organization.objects.get_or_create(
                slug=DEMO_SLUG, defaults={"name": "Demo", "timezone": "Europe/Berlin"}
            )
            users = {}
            for role, email in DEMO_USERS.items():
                first, last = DEMO_NAMES[role]
                user, created = User.objects.get_or_create(
                    email=email, defaults={"first_name": first, "last_name": last}
                )
                if user.first_name in ("", role.label.title()):  # the old seed's role names
                    user.first_name, user.last_name = first, last
                    user.save(update_fields=["first_name", "last_name"])
                if created or source != "kept":
                    user.set_password(password)
                    user.save()
                EmailAddress.objects.update_or_create(
                    user=user, email=email, defaults={"verified": True, "primary": True}
                )
                Membership.objects.update_or_create(
                    user=user, organization=org, defaults={"role": role}
                )
                users[role] = user
            for path in DEMO_SEEDERS:
                import_string(path)(org, users)
        self.stdout.write(self.style.SUCCESS("Demo organisation ready: /o/demo/"))
        self.stdout.write(f"  sign in as {DEMO_USERS[Role.OWNER]} (owner); also "
                          + ", ".join(DEMO_USERS[r] for r in DEMO_USERS if r != Role.OWNER))
        if source == "env":
            self.stdout.write("  password: the value of DEMO_PASSWORD")
        else:
            self.stdout.write(f"  password: {password}")

    def _reset(self) -> None:
        """Remove the demo organisation (everything in it cascades) and its files."""
        org = Organization.objects.filter(slug=DEMO_SLUG).first()
        if org is None:
            return
        with transaction.atomic():
            after = [import_string(path)(org) for path in DEMO_RESETTERS]
            org.delete()
        for cleanup in after:
            if callable(cleanup):
                cleanup()  # files go once the rows are gone for good
        self.stdout.write("Demo organisation removed; seeding it again")

    def _password(self) -> tuple[str, str]:
        if os.environ.get("DEMO_PASSWORD"):
            return os.environ["DEMO_PASSWORD"], "env"
        stored = settings.VAR_DIR / "demo_password"
        if stored.exists():
            return stored.read_text().strip(), "kept"
        password = secrets.token_urlsafe(12)
        stored.write_text(password + "\n")
        stored.chmod(0o600)
        return password, "generated"
