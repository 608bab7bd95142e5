"""docker-compose.yml and the Dockerfile describe a complete installation.

There is no Docker engine in the test environment, so the compose file is checked by
parsing it (and with `docker compose config` where the compose plugin exists), and the
image's build steps, which live in scripts/docker_build.sh, are run in a copy of the
checkout laid out as the Dockerfile's COPY leaves it (.dockerignore applied).
"""

import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def dockerfile_env() -> dict[str, str]:
    """ENV lines of the final stage (KEY=value pairs, continuation lines joined)."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    env: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            env.update(re.findall(r"(\w+)=(\S+)", line))
    return env


def test_compose_runs_every_part_of_an_installation(compose):
    services = compose["services"]
    assert set(services) >= {"db", "redis", "migrate", *APP_SERVICES}
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert "gunicorn" not in json.dumps(services["web"].get("command", []))  # the image's CMD
    assert services["worker"]["command"][:4] == ["celery", "-A", "socialmgr", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "socialmgr", "beat"]
    # Exactly one beat: a second would plan every periodic task twice.
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1


def test_migrations_run_once_before_web_worker_and_beat(compose):
    services = compose["services"]
    migrate = services["migrate"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert migrate["restart"] == "no"
    for name in ("migrate", *APP_SERVICES):
        depends = services[name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
    for name in APP_SERVICES:
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", name


def test_every_long_running_service_has_a_health_check(compose):
    services = compose["services"]
    for name in ("db", "redis", *APP_SERVICES):
        check = services[name].get("healthcheck")
        assert check and not check.get("disable") and check.get("test"), name
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "inspect ping" in " ".join(services["worker"]["healthcheck"]["test"])


def test_data_and_media_live_on_named_volumes(compose):
    services, volumes = compose["services"], compose["volumes"]
    media_root = dockerfile_env()["MEDIA_ROOT"]

    def mounts(name):
        return dict(v.split(":", 1) for v in services[name].get("volumes", []))

    assert mounts("db")["pgdata"] == "/var/lib/postgresql/data"
    assert mounts("redis")["redisdata"] == "/data"
    # Uploads are written by web and read by the worker when publishing.
    for name in ("web", "worker"):
        assert mounts(name)["media"] == media_root, name
    assert {"pgdata", "redisdata", "media"} <= set(volumes)
    assert "--appendonly" in services["redis"]["command"]


def test_docker_compose_config_accepts_the_file(tmp_path):
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True) \
        if shutil.which("docker") else None
    if probe is None or probe.returncode != 0:
        pytest.skip("no `docker compose` here (no Docker engine or compose plugin); "
                    "the file is checked by parsing it above")
    shutil.copy(ROOT / "docker-compose.yml", tmp_path)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run(["docker", "compose", "config", "--quiet"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_the_dockerfile_builds_through_the_build_script():
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^RUN scripts/docker_build\.sh\b", text, re.M)
    assert "collectstatic" not in text  # only in the script, which the next test runs
    env = dockerfile_env()
    assert env["STATIC_ROOT"] and env["MEDIA_ROOT"].startswith(env["SOCIALMGR_VAR_DIR"])


def _docker_context(dest: Path) -> None:
    """The files `COPY . .` puts in the image: the checkout minus .dockerignore."""
    ignored = [line.strip().rstrip("/") for line in (ROOT / ".dockerignore").read_text()
               .splitlines() if line.strip() and not line.startswith("#")]
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    for rel in filter(None, listed):
        if any(fnmatch.fnmatch(rel, pattern) or rel.startswith(pattern + "/")
               or fnmatch.fnmatch(rel, pattern + "/*") for pattern in ignored):
            continue
        source = ROOT / rel
        if source.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)


@pytest.mark.slow
def test_the_build_script_vendors_compiles_and_collects_static_files(tmp_path):
    context, static_root = tmp_path / "app", tmp_path / "staticfiles"
    _docker_context(context)
    assert not (context / "static" / "vendor").exists()
    # The Dockerfile copies node_modules from the `npm ci` stage; the checkout's is the same.
    (context / "node_modules").symlink_to(ROOT / "node_modules")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST", "DJANGO_", "SOCIALMGR_", "DATABASE_", "REDIS_"))}
    env.update(PYTHON=sys.executable, STATIC_ROOT=str(static_root),
               SOCIALMGR_VAR_DIR=str(tmp_path / "var"))
    result = subprocess.run(["sh", "scripts/docker_build.sh"], cwd=context, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr

    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    assert "vendor/chartjs/chart.umd.min.js" in manifest
    assert (static_root / manifest["vendor/htmx/htmx.min.js"]).is_file()
    assert list((context / "locale").glob("*/LC_MESSAGES/django.mo"))
