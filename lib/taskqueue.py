"""Queue a Celery task by its registered name.

Services do the work and tasks call services, so a service that imported its own tasks
module would close an import circle. Services queue by name instead: the name is the
task's public contract (`@shared_task(name=...)`), and Celery's registry finds it.
`CELERY_TASK_ALWAYS_EAGER` still applies, because the registered task is the one called.
"""

from __future__ import annotations

from functools import cache

from celery import current_app
from django.db import transaction


@cache
def _tasks():
    """Celery's registry with every app's tasks module imported (as a worker does at start:
    a web process may not have imported them yet)."""
    current_app.loader.import_default_modules()
    return current_app.tasks


def enqueue(name: str, *args, countdown: float | None = None, on_commit: bool = True) -> None:
    """Queue `name(*args)`; by default once the current transaction commits (so the worker
    reads what this transaction wrote, and a rolled-back change queues nothing)."""

    def send() -> None:
        _tasks()[name].apply_async(args, countdown=countdown)

    if on_commit:
        transaction.on_commit(send)
    else:
        send()
