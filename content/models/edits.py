"""Edits of published posts on their platform: the history of what a person changed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models.tenant import TenantQuerySet


class EditStatus(models.TextChoices):
    EDITING = "editing", _("Editing")
    EDITED = "edited", _("Edited")
    FAILED = "failed", _("Edit failed")


class TargetEditQuerySet(TenantQuerySet):
    org_field = "target__post__organization"


class TargetEdit(models.Model):
    """One edit of a published target on its platform: the text before and after, who asked,
    and how it went. Kept for history; the platform keeps its own as well."""

    target = models.ForeignKey("content.PostTarget", on_delete=models.CASCADE,
                               related_name="edits")
    status = models.CharField(_("status"), max_length=10, choices=EditStatus.choices,
                              default=EditStatus.EDITING, editable=False)
    text_before = models.TextField(_("text before"))
    text_after = models.TextField(_("text after"))
    media = models.JSONField(default=list, blank=True)  # [[asset id, alt text], …] sent
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    objects = TargetEditQuerySet.as_manager()

    class Meta:
        verbose_name = _("edit on the platform")
        verbose_name_plural = _("edits on the platform")
        ordering = ["target_id", "-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.target_id}:{self.status}"
