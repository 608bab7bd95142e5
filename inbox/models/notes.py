from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.models.tenant import TenantQuerySet
from inbox.models.items import InboxItem


class InboxNote(models.Model):
    """An internal note on an item: seen by the team, never sent to the platform."""

    item = models.ForeignKey(InboxItem, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note {self.pk} on item {self.item_id}"


class SavedReply(models.Model):
    """A canned answer the team inserts into the reply box."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="saved_replies")
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("saved reply")
        verbose_name_plural = _("saved replies")

    def __str__(self) -> str:
        return self.title
