"""Create (or refresh) the demo organisation: `python manage.py seed_demo`.

Idempotent: running it again changes nothing but what DEMO_PASSWORD asks for.
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
    "analytics.demo.seed",
    "inbox.demo.seed",  # listening: saved searches backfilled from the sandbox's chatter
]


class Command(BaseCommand):
    help = "Create the demo organisation 'Demo' (slug demo) with one member of each role."

    def handle(self, *args, **options):
        password, source = self._password()
        with transaction.atomic():
            org, _ = Organization.objects.get_or_create(
                slug="demo", defaults={"name": "Demo", "timezone": "Europe/Berlin"}
            )
            users = {}
            for role, email in DEMO_USERS.items():
                user, created = User.objects.get_or_create(
                    email=email, defaults={"first_name": role.label.title()}
                )
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
