"""Inbox items: a comment, mention, reply, quote, DM or listening hit, as pulled from a platform."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import ConnectedAccount, Organization
from accounts.models.tenant import TenantQuerySet


class ItemKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    MENTION = "mention", _("Mention")
    REPLY = "reply", _("Reply")
    QUOTE = "quote", _("Quote")
    DM = "dm", _("Direct message")
    LISTENING = "listening", _("Listening")


class ItemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class Sentiment(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")


def not_snoozed(now) -> models.Q:
    return models.Q(snoozed_until__isnull=True) | models.Q(snoozed_until__lte=now)


class InboxItemQuerySet(TenantQuerySet):
    def visible(self):
        """Items the inbox shows: deletions on the platform are kept but hidden."""
        return self.filter(deleted_at__isnull=True)

    def awake(self, now):
        """Open items that are not snoozed at `now` (the open list and its count)."""
        return self.filter(not_snoozed(now), status=ItemStatus.OPEN)

    def snoozed(self, now):
        return self.filter(status=ItemStatus.OPEN, snoozed_until__gt=now)


class InboxItem(models.Model):
    # No single-column indexes on the foreign keys: every lookup by organisation, account or
    # assignee is served by a composite index below that starts with that column, and each
    # index is one more write for every ingested item.
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="inbox_items", db_index=False)
    account = models.ForeignKey(ConnectedAccount, on_delete=models.CASCADE,
                                related_name="inbox_items", verbose_name=_("account"),
                                db_index=False)
    kind = models.CharField(_("type"), max_length=16, choices=ItemKind.choices)
    remote_id = models.CharField(max_length=255)
    # The item this one answers, when we hold it; parent_remote_id is kept either way so the
    # link can be made when the parent arrives later.
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="children", db_index=False)
    parent_remote_id = models.CharField(max_length=255, blank=True)
    # The post the conversation hangs off (ours or theirs). Our own posts are resolved
    # against content's post targets by (account, remote_id) when shown.
    thread_root_remote_id = models.CharField(max_length=255, blank=True)
    author_handle = models.CharField(_("author"), max_length=255)
    author_name = models.CharField(_("author name"), max_length=255, blank=True)
    author_avatar_url = models.URLField(max_length=1000, blank=True)
    text = models.TextField(_("text"), blank=True)
    url = models.URLField(max_length=1000, blank=True)
    created_at = models.DateTimeField(_("time"))  # platform time
    fetched_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # When we hid it from public view on the platform (Threads' hide); null: visible.
    hidden_at = models.DateTimeField(_("hidden on the platform"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=ItemStatus.choices,
                              default=ItemStatus.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="inbox_assigned",
                                 verbose_name=_("assignee"), db_index=False)
    labels = models.JSONField(_("labels"), default=list, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    sentiment = models.CharField(_("sentiment"), max_length=8, choices=Sentiment.choices,
                                 blank=True)
    # The analyser's score in [-1, 1] (lib.sentiment), null when not scored. A person's
    # correction (SentimentCorrection) sets `sentiment_corrected`: the analyser then never
    # overwrites the label again.
    sentiment_score = models.FloatField(_("sentiment score"), null=True, blank=True)
    sentiment_corrected = models.BooleanField(_("sentiment corrected"), default=False,
                                              db_default=False)
    # Snoozed: out of the open list until this time, then back (whoever snoozed it is told).
    # The lists compare with the clock, so an item is back on time even if the worker is late.
    snoozed_until = models.DateTimeField(_("snoozed until"), null=True, blank=True)
    snoozed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_index=False)
    # Automation rules that acted on this item, in order: [{"id": 1, "name": "…", "actions": […]}]
    applied_rules = models.JSONField(default=list, blank=True)
    # Response metrics: the first reply sent and who sent it.
    first_response_at = models.DateTimeField(null=True, blank=True)
    first_responder = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+",
                                        db_index=False)
    raw = models.JSONField(default=dict, blank=True)

    objects = InboxItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("inbox item")
        verbose_name_plural = _("inbox items")
        constraints = [
            models.UniqueConstraint(fields=["account", "remote_id"], name="uniq_inbox_item_remote"),
        ]
        indexes = [
            # The default list (open items, newest first) and its keyset pages.
            models.Index(fields=["organization", "status", "-created_at", "-id"],
                         name="inbox_org_status_time"),
            # "All statuses" and the trends aggregate over a time window.
            models.Index(fields=["organization", "-created_at", "-id"], name="inbox_org_time"),
            # Filters by account within an organisation (account is the narrower key).
            models.Index(fields=["account", "status", "-created_at", "-id"],
                         name="inbox_account_status_time"),
            # "Assigned to me", and data-subject requests by author.
            models.Index(fields=["assignee", "status", "-created_at"], name="inbox_assignee"),
            models.Index(fields=["organization", "author_handle"], name="inbox_org_author"),
            # Linking children to parents that arrive later.
            models.Index(fields=["account", "parent_remote_id"], name="inbox_parent_remote"),
            # Children of an item, and SET NULL when a parent or a responder goes: partial, so
            # the many items without one add no index entry.
            models.Index(fields=["parent"], name="inbox_parent",
                         condition=models.Q(parent__isnull=False)),
            models.Index(fields=["first_responder"], name="inbox_first_responder",
                         condition=models.Q(first_responder__isnull=False)),
            models.Index(fields=["snoozed_until"], name="inbox_snoozed",
                         condition=models.Q(snoozed_until__isnull=False)),
            models.Index(fields=["snoozed_by"], name="inbox_snoozed_by",
                         condition=models.Q(snoozed_by__isnull=False)),
        ]
        # The full-text GIN index is PostgreSQL-only; migration 0002 adds it there.

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.author_handle}: {self.text[:40]}"

    @property
    def is_open(self) -> bool:
        return self.status == ItemStatus.OPEN

    @property
    def is_snoozed(self) -> bool:
        from django.utils import timezone

        return (self.status == ItemStatus.OPEN and self.snoozed_until is not None
                and self.snoozed_until > timezone.now())

    @property
    def author_initials(self) -> str:
        name = (self.author_name or self.author_handle).lstrip("@").strip()
        parts = [p for p in name.replace(".", " ").split() if p]
        return "".join(p[0] for p in parts[:2]).upper() or "?"
