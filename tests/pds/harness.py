"""A real AT Protocol network for the Bluesky tests: PLC directory, reference PDS, AppView.

`atproto_network` (session) installs the npm harness when missing (setup.sh), starts
start.mjs with the bundled Node, and reads the URLs it prints. The AppView needs
PostgreSQL: it gets its own database next to the test database (`<name>_atproto`).
Where node/npm cannot be installed the tests skip with the reason — except in CI
(CI=true), where that is a failure.

Loaded for the whole suite from tests/conftest.py (`pytest_plugins`); nothing starts
until a test asks for one of these fixtures.
"""

from __future__ import annotations

import json
import os
import secrets
import selectors
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

HERE = Path(__file__).resolve().parent
SETUP_TIMEOUT = 20 * 60  # a cold `npm ci` plus compiling better-sqlite3
START_TIMEOUT = 180
IN_CI = os.environ.get("CI", "").lower() == "true"


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"the AT Protocol test network is required in CI: {reason}")
    pytest.skip(f"AT Protocol test network unavailable: {reason}")


def _appview_database_url() -> str | None:
    """A PostgreSQL database for the AppView (created when missing), or None."""
    from django.conf import settings

    if not settings.IS_POSTGRES:
        return None
    import psycopg

    db = settings.DATABASES["default"]
    name = f"{db['NAME'].removeprefix('test_')}_atproto"
    host, port, user = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432, db.get("USER")
    password = db.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else f"{user}@"
    try:
        with psycopg.connect(host=host, port=port, user=user, password=password,
                             dbname="postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                (name,)).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error:
        return None
    return f"postgres://{auth}{host}:{port}/{name}"


@dataclass
class AtprotoNetwork:
    plc_url: str
    pds_url: str
    appview_url: str | None
    appview_did: str | None
    admin_password: str
    process: subprocess.Popen
    users: dict = field(default_factory=dict)

    @property
    def has_appview(self) -> bool:
        return bool(self.appview_url)


def _start(node: str, env: dict) -> tuple[subprocess.Popen, dict]:
    process = subprocess.Popen([node, "start.mjs"], cwd=HERE, env=env, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if selector.select(timeout=1):
            line = process.stdout.readline()
            if line.strip().startswith("{"):
                return process, json.loads(line)
    process.kill()
    errors = process.stderr.read()[-2000:] if process.stderr else ""
    raise RuntimeError(f"start.mjs did not report its URLs in {START_TIMEOUT}s: {errors}")


@pytest.fixture(scope="session")
def atproto_network(django_db_setup, django_db_blocker):
    try:
        setup = subprocess.run(["bash", str(HERE / "setup.sh")], capture_output=True,
                               text=True, timeout=SETUP_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        _unavailable(f"setup.sh failed: {exc}")
    if setup.returncode != 0:
        _unavailable(f"setup.sh failed: {setup.stderr[-1500:]}")
    node = setup.stdout.strip().splitlines()[-1]
    env = {**os.environ, "REDIS_HOST": "127.0.0.1:6379"}
    with django_db_blocker.unblock():
        db_url = _appview_database_url()
    if db_url:
        env.update(PDS_APPVIEW="1", DB_POSTGRES_URL=db_url)
    try:
        process, info = _start(node, env)
    except (OSError, RuntimeError, ValueError) as exc:
        _unavailable(str(exc))
    # Drain stderr so a chatty server never blocks on a full pipe.
    import threading

    threading.Thread(target=lambda: process.stderr.read(), daemon=True).start()
    network = AtprotoNetwork(plc_url=info["plc_url"], pds_url=info["pds_url"],
                             appview_url=info.get("appview_url"),
                             appview_did=info.get("appview_did"),
                             admin_password=info["admin_password"], process=process)
    yield network
    try:
        process.stdin.close()
        process.wait(timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        process.kill()


@dataclass
class PdsUser:
    did: str
    handle: str
    password: str
    app_password: str
    access_jwt: str


class Pds:
    """Creates accounts and reads records on the test PDS (plain XRPC, as any client would)."""

    def __init__(self, network: AtprotoNetwork):
        self.network = network
        self.url = network.pds_url

    def shared_user(self, name: str) -> PdsUser:
        """A user created once per test session (creating accounts costs the PDS a second)."""
        if name not in self.network.users:
            self.network.users[name] = self.create_user(name)
        return self.network.users[name]

    def xrpc(self, method: str, nsid: str, *, token: str = "", **kwargs):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = requests.request(method, f"{self.url}/xrpc/{nsid}", headers=headers,
                                    timeout=30, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def create_user(self, name: str = "") -> PdsUser:
        handle = f"{name or 'u'}{secrets.token_hex(3)}.test"
        password = secrets.token_urlsafe(12)
        created = self.xrpc("POST", "com.atproto.server.createAccount", json={
            "handle": handle, "email": f"{handle}@example.com", "password": password})
        app = self.xrpc("POST", "com.atproto.server.createAppPassword",
                        token=created["accessJwt"], json={"name": "socialmgr"})
        return PdsUser(did=created["did"], handle=handle, password=password,
                       app_password=app["password"], access_jwt=created["accessJwt"])

    def get_record(self, uri: str) -> dict:
        did, collection, rkey = uri.removeprefix("at://").split("/")
        return self.xrpc("GET", "com.atproto.repo.getRecord",
                         params={"repo": did, "collection": collection, "rkey": rkey})

    def post(self, user: PdsUser, record: dict) -> dict:
        return self.xrpc("POST", "com.atproto.repo.createRecord", token=user.access_jwt,
                         json={"repo": user.did, "collection": "app.bsky.feed.post",
                               "record": record})

    def wait_for(self, check, *, timeout: float = 45.0, interval: float = 0.2):
        """Poll `check()` until truthy: the AppView indexes the firehose asynchronously."""
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result or time.monotonic() > deadline:
                return result
            time.sleep(interval)


@pytest.fixture
def bsky_settings(atproto_network, settings):
    """Point identity resolution and AppView reads at the local network."""
    settings.SSRF_ALLOW_LOOPBACK = True
    settings.ATPROTO_PLC_URL = atproto_network.plc_url
    settings.ATPROTO_HANDLE_RESOLVER_URL = atproto_network.pds_url
    settings.ATPROTO_APPVIEW_PROXY = (f"{atproto_network.appview_did}#bsky_appview"
                                      if atproto_network.appview_did else "")
    return settings


@pytest.fixture
def pds(atproto_network, bsky_settings) -> Pds:
    return Pds(atproto_network)
