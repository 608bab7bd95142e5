"""The production path, end to end: collectstatic with the manifest storage, then gunicorn
with the project's config and DEBUG=false, against the test database and Redis.

This is what the Dockerfile builds and what `docker compose up` runs; when it breaks, every
page of a real installation answers 500. It takes about half a minute.
"""

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from accounts.roles import Role
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, OrganizationFactory
from tests.test_production_settings import PRODUCTION_ENV
from tests.workers import test_database_url as database_url

ROOT = Path(__file__).resolve().parent.parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(tmp_path: Path, **extra: str) -> dict:
    """The environment of a production process: no test switches, production settings."""
    from django.conf import settings

    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST", "DJANGO_ALLOW_ASYNC_UNSAFE", "SOCIALMGR_"))}
    env.update(PRODUCTION_ENV, SOCIALMGR_VAR_DIR=str(tmp_path / "var"),
               STATIC_ROOT=str(tmp_path / "staticfiles"), MEDIA_ROOT=str(tmp_path / "media"),
               DATABASE_URL=database_url(), REDIS_URL=settings.REDIS_URL,
               PYTHONUNBUFFERED="1", **extra)
    return env


def collectstatic(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@contextlib.contextmanager
def gunicorn(env: dict, port: int, log: Path):
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:socialmgr.gunicorn",
             "socialmgr.wsgi:application"],
            cwd=ROOT, env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1"},
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert proc.poll() is None, f"gunicorn exited:\n{log.read_text()}"
            with contextlib.suppress(requests.ConnectionError, requests.Timeout):
                requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
                break
            time.sleep(0.3)
        else:
            raise AssertionError(f"gunicorn did not answer within 60 s:\n{log.read_text()}")
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


class Browser:
    """A client as a browser behind the TLS proxy sees it. The proxy says https
    (X-Forwarded-Proto), so the cookies are Secure: they are kept and sent by hand, as
    requests would rightly not send Secure cookies over the plain-HTTP hop to gunicorn."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.headers = {"X-Forwarded-Proto": "https", "Accept-Language": "en",
                        "Accept-Encoding": "gzip"}
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, headers: dict | None = None,
                **kwargs) -> requests.Response:
        response = requests.request(method, self.base + path,
                                    headers={**self.headers, **(headers or {})},
                                    cookies=self.cookies, allow_redirects=False, timeout=30,
                                    **kwargs)
        self.cookies.update(response.cookies.get_dict())
        return response

    def get(self, path: str) -> requests.Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> requests.Response:
        origin = "https://" + self.base.removeprefix("http://")
        return self.request("POST", path, data=data,
                            headers={"Origin": origin, "Referer": origin + path})


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_production_server_serves_sign_in_dashboard_static_files_and_health(tmp_path):
    vendored = ROOT / "static" / "vendor" / "chartjs" / "chart.umd.min.js"
    assert vendored.exists(), "static/vendor is missing: run `make install` (vendor_assets.py)"
    member = MembershipFactory(organization=OrganizationFactory(name="Acme", slug="acme"),
                               role=Role.OWNER).user
    # The suite hashes with MD5 for speed; production knows only its own hashers.
    hasher = PBKDF2PasswordHasher()
    member.password = hasher.encode(DEFAULT_PASSWORD, hasher.salt())
    member.save(update_fields=["password"])
    port = _free_port()
    env = production_env(tmp_path, ALLOWED_HOSTS="127.0.0.1",
                         SITE_URL=f"https://127.0.0.1:{port}")

    built = collectstatic(env)
    assert built.returncode == 0, built.stdout + built.stderr
    manifest = tmp_path / "staticfiles" / "staticfiles.json"
    assert manifest.exists()

    with gunicorn(env, port, tmp_path / "gunicorn.log") as proc:
        browser = Browser(port)
        # Plain HTTP is sent to HTTPS (the proxy terminates TLS); /healthz is exempt.
        plain = requests.get(f"{browser.base}/accounts/login/", allow_redirects=False, timeout=30)
        assert plain.status_code == 301
        assert plain.headers["Location"].startswith("https://")

        health = requests.get(f"{browser.base}/healthz", timeout=30)
        assert health.status_code == 200, health.text
        assert health.json()["status"] == "ok"

        page = browser.get("/accounts/login/")
        assert page.status_code == 200, page.text[:2000]
        assert "Strict-Transport-Security" in page.headers
        assert "Content-Security-Policy" in page.headers
        html = page.text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

        # A static file the page names is the hashed copy, served by whitenoise for a year.
        assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
        hashed = [a for a in assets if re.search(r"\.[0-9a-f]{12}\.(?:css|js|svg)", a)]
        assert hashed, f"no hashed static file on the sign-in page: {assets}"
        asset = browser.get(hashed[0])
        assert asset.status_code == 200
        assert "immutable" in asset.headers.get("Cache-Control", "")
        assert asset.headers.get("Content-Encoding") == "gzip"
        assert browser.get("/static/no-such-file.css").status_code == 404

        signed_in = browser.post("/accounts/login/", {
            "csrfmiddlewaretoken": token, "login": member.email, "password": DEFAULT_PASSWORD})
        assert signed_in.status_code == 302, signed_in.text[:2000]
        # Follow the redirects to the organisation's dashboard.
        location, hops = signed_in.headers["Location"], 0
        while location and hops < 5:
            response = browser.get(location.removeprefix(f"https://127.0.0.1:{port}"))
            location, hops = response.headers.get("Location"), hops + 1
        assert response.status_code == 200, response.text[:2000]
        assert response.url.endswith("/o/acme/"), response.url
        assert "Acme" in response.text
        assert member.email in response.text or (member.first_name or "") in response.text

        signed_out = Browser(port).get("/o/acme/")
        assert signed_out.status_code == 302
        assert "/accounts/login/" in signed_out.headers["Location"]
        assert proc.poll() is None
    log = (tmp_path / "gunicorn.log").read_text()
    assert "Traceback" not in log, log
