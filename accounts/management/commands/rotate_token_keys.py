"""Re-encrypt every stored secret with the first key of TOKEN_ENCRYPTION_KEYS.

Rotation: put a new key first in TOKEN_ENCRYPTION_KEYS (keep the old ones after it),
restart, run this command, then drop the old keys.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import ConnectedAccount, PlatformApp
from lib.crypto import DecryptionFailed, rotate

FIELDS = {
    ConnectedAccount: ("access_token_encrypted", "refresh_token_encrypted"),
    PlatformApp: ("client_secret_encrypted",),
}


class Command(BaseCommand):
    help = "Re-encrypt all stored tokens and app secrets with the newest encryption key."

    def handle(self, *args, **options):
        total = 0
        failed: list[str] = []
        for model, fields in FIELDS.items():
            for pk in model.objects.values_list("pk", flat=True).iterator():
                with transaction.atomic():
                    row = model.objects.select_for_update().get(pk=pk)
                    try:
                        for name in fields:
                            setattr(row, name, rotate(getattr(row, name)))
                    except DecryptionFailed:
                        failed.append(f"{model._meta.label} {pk}")
                        continue
                    row.save(update_fields=list(fields))
                    total += 1
        self.stdout.write(f"Re-encrypted {total} rows with the newest key.")
        if failed:
            raise CommandError(
                "These rows could not be decrypted with any configured key (left unchanged): "
                + ", ".join(failed)
            )
