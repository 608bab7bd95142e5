"""Celery tasks of the calendar: thin wrappers around content.services.recurrence."""

from celery import shared_task

from content.models import RecurrenceRule
from content.services.recurrence import recurrence_materialise


@shared_task(name="calendar.materialise_recurrences")
def materialise_recurrences() -> int:
    """Plan every active series 8 weeks ahead. Cross-tenant on purpose (one rule at a
    time, each scoped to its own organisation by the rule); idempotent."""
    created = 0
    for rule_id in RecurrenceRule.objects.filter(active=True).values_list("pk", flat=True):
        rule = RecurrenceRule.objects.select_related("organization", "template",
                                                     "created_by").get(pk=rule_id)
        created += recurrence_materialise(rule=rule)
    return created
