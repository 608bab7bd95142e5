from django.db import models

from accounts.models import ConnectedAccount

SOURCE_INBOX = "inbox"


def search_source(saved_search_id: int) -> str:
    return f"search:{saved_search_id}"


class InboxCursor(models.Model):
    """Where polling of one source (the inbox, or a saved search) of one account stands."""

    account = models.ForeignKey(ConnectedAccount, on_delete=models.CASCADE,
                                related_name="inbox_cursors")
    source = models.CharField(max_length=64, default=SOURCE_INBOX)
    cursor = models.TextField(blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    # The planned slot of the next poll (inbox.services.polling plans it on the cursor's own
    # grid); NULL means "never polled" and is due at once. Pushed out by a platform's
    # Retry-After and by backoff after errors; left alone while a poll runs.
    next_poll_at = models.DateTimeField(null=True, blank=True)
    # While a poll is queued or running (so the next beat does not queue it twice); a poll
    # that crashed is picked up again once it has passed.
    leased_until = models.DateTimeField(null=True, blank=True)
    backoff = models.PositiveIntegerField(default=0)  # consecutive failures
    last_error = models.TextField(blank=True)
    disabled = models.BooleanField(default=False)  # the platform does not offer this source

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "source"], name="uniq_inbox_cursor"),
        ]
        indexes = [models.Index(fields=["next_poll_at"], name="inbox_cursor_due")]

    def __str__(self) -> str:
        return f"{self.account} {self.source}"
