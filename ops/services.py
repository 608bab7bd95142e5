"""Heartbeats and health: is the database reachable, is the broker, do workers and beat run?"""

from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import connection
from django.utils import timezone

from ops.models import Heartbeat

WORKER_STALE_AFTER = timedelta(seconds=90)


def heartbeat_record(*, kind: str, name: str, details: dict | None = None) -> None:
    Heartbeat.objects.update_or_create(
        kind=kind, name=name,
        defaults={"last_seen": timezone.now(), "details": details or {}},
    )


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, connection.vendor
    except Exception as exc:
        return False, type(exc).__name__


def check_broker() -> tuple[bool, str]:
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, conn.transport_cls if isinstance(conn.transport_cls, str) else "ok"
    except Exception as exc:
        return False, type(exc).__name__


def worker_status() -> dict:
    """Workers seen recently (they run the heartbeat task beat schedules every 30 s)."""
    now = timezone.now()
    beats = list(Heartbeat.objects.filter(kind="worker").order_by("-last_seen"))
    alive = [b for b in beats if now - b.last_seen <= WORKER_STALE_AFTER]
    return {"workers": beats, "alive": alive, "ok": bool(alive),
            "stale_after": WORKER_STALE_AFTER}


def health_report() -> dict:
    db_ok, db_info = check_database()
    broker_ok, broker_info = check_broker()
    return {
        "database": {"ok": db_ok, "info": db_info},
        "broker": {"ok": broker_ok, "info": broker_info,
                   "embedded": not settings.REDIS_URL},
    }
