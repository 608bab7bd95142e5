"""gunicorn settings for production: `gunicorn -c python:socialmgr.gunicorn socialmgr.wsgi`.

After a worker has loaded Django, everything alive is moved out of the garbage
collector's view (`gc.freeze`): the tens of thousands of long-lived objects of the app
(models, templates, translations, URL patterns) are then not re-scanned by every full
collection, which otherwise shows up as occasional requests taking twice as long.
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker) -> None:
    gc.collect()
    gc.freeze()
