"""The Celery application: `celery -A socialmgr worker|beat`."""

import os

from celery import Celery
from celery.signals import worker_process_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialmgr.settings")

app = Celery("socialmgr")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
@worker_ready.connect
def _import_hot_paths(**_kwargs) -> None:
    """Import what publishing runs before the first post is due, not while it is: measured,
    the first batches of a fresh worker spent a tenth of their time importing these (tasks
    import their services lazily, to keep Django's app loading free of cycles)."""
    from importlib import import_module

    from content.pipeline.providers import provider_for
    from platforms.registry import enabled_keys

    for name in ("content.pipeline.worker", "content.pipeline.settle", "content.pipeline.resume",
                 "api.events", "api.models"):
        import_module(name)
    # The connectors (some pull in big client libraries), as the pipeline's shared instances.
    for key in enabled_keys():
        provider_for(key)
