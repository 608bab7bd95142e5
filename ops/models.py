from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last time a background process proved it was alive.

    `kind` is "worker" (a Celery worker ran the heartbeat task) or "beat" /
    "dispatcher" (a scheduled job ran); `name` is the worker's host name or the job.
    """

    kind = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    last_seen = models.DateTimeField()
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="uniq_heartbeat")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"
