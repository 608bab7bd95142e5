import socket

from celery import shared_task

from ops.services import heartbeat_record


@shared_task(name="ops.heartbeat", ignore_result=True)
def heartbeat(requested_by: str = "") -> None:
    """Scheduled by beat every 30 s and on demand from the status page: proves a worker consumes."""
    hostname = getattr(heartbeat.request, "hostname", None) or socket.gethostname()
    heartbeat_record(kind="worker", name=hostname, details={"requested_by": requested_by})
