"""Celery tasks of the content app: the publishing pipeline and the calendar.

Celery's autodiscovery imports `content.tasks`; importing the modules here registers
their tasks (each has an explicit, stable name)."""

from content.tasks import calendar, deletion, feeds, pipeline  # noqa: F401
