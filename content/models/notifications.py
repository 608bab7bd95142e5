from django.conf import settings
from django.db import models

from accounts.models import Organization


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app notice for one person (post submitted, approved, changes requested …)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="notifications")
    verb = models.CharField(max_length=64)  # same dotted verbs as the audit log
    post = models.ForeignKey("content.Post", on_delete=models.CASCADE, null=True, blank=True,
                             related_name="notifications")
    actor_label = models.CharField(max_length=200, blank=True)
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "organization", "read_at"])]

    def __str__(self) -> str:
        return self.message
