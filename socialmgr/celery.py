"""The Celery application: `celery -A socialmgr worker|beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialmgr.settings")

app = Celery("socialmgr")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
