"""Read side of the pipeline: what the operations page lists."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from content.models import PostTarget
from content.workflows import TargetState

LIMIT = 100

# (key, filter) per section of the operations page, in the order shown
SECTIONS = (
    ("unconfirmed", Q(status=TargetState.UNCONFIRMED)),
    ("failed", Q(status=TargetState.FAILED)),
    ("paused", Q(status=TargetState.PAUSED)),
    ("publishing", Q(status=TargetState.PUBLISHING)),
    ("retrying", Q(status=TargetState.SCHEDULED, attempts__gt=0)),
    ("queued", Q(status=TargetState.SCHEDULED, attempts=0)),
)


def targets_for(organization) -> QuerySet[PostTarget]:
    return (PostTarget.objects.for_org(organization)
            .select_related("post", "account").order_by("next_attempt_at", "pk"))


def operations_overview(organization) -> list[dict]:
    """Each section with its count and its first LIMIT targets."""
    base = targets_for(organization)
    now = timezone.now()
    out = []
    for key, condition in SECTIONS:
        rows = base.filter(condition)
        if key == "queued":  # only what is due soon or overdue, not the whole future
            rows = rows.filter(next_attempt_at__lte=now + timezone.timedelta(hours=24))
        out.append({"key": key, "count": rows.count(), "targets": list(rows[:LIMIT])})
    return out
