import pytest

from accounts.roles import Role
from ops.models import Heartbeat
from tests.workers import celery_process, child_env, wait_for


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": {"ok": True}, "broker": {"ok": True},
                               "scheduler": {"ok": True}}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_broker_is_unreachable(client, settings):
    from socialmgr.celery import app

    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = settings.CELERY_BROKER_URL
    assert response.status_code == 503
    assert response.json()["broker"] == {"ok": False}


@pytest.mark.django_db
def test_admins_see_the_system_status_page(org, member_of, login):
    html = login(member_of(Role.ADMIN)).get("/o/acme/settings/system/").content.decode()
    assert "Background workers" in html
    assert "No worker has answered recently" in html


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_answers_the_health_check(org, member_of, login, tmp_path, settings):
    admin = member_of(Role.ADMIN)
    client = login(admin)
    queue = f"health-{tmp_path.name}"
    env = child_env(CELERY_TASK_DEFAULT_QUEUE=queue)
    with celery_process("worker", "--pool=solo", "-Q", queue, "--without-gossip",
                        "--without-mingle", "-n", f"{queue}@testhost", env=env,
                        log_path=tmp_path / "worker.log"):
        from ops.tasks import heartbeat
        from socialmgr.celery import app

        app.conf.task_always_eager = False
        try:
            heartbeat.apply_async(kwargs={"requested_by": admin.email}, queue=queue)
        finally:
            app.conf.task_always_eager = True
        wait_for(lambda: Heartbeat.objects.filter(kind="worker").exists(), timeout=60,
                 what="the worker's heartbeat")
    beat = Heartbeat.objects.get(kind="worker")
    assert beat.name == f"{queue}@testhost"
    assert beat.details == {"requested_by": admin.email}
    html = client.get("/o/acme/settings/system/").content.decode()
    assert "1 worker running" in html
