"""Run the test suite with the services it needs.

`make test` calls this. It uses DATABASE_URL / REDIS_URL when set. Otherwise it
starts a throwaway PostgreSQL and Redis from local binaries when they exist,
and stops them afterwards. Without them the suite runs on SQLite and the tests
marked `postgres` / `redis` are skipped and listed (with CI=true a missing
service fails the run instead).

    python scripts/test_services.py [pytest arguments]
"""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def find_pg_bin() -> Path | None:
    for candidate in [shutil.which("pg_ctl"), *sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                                                       reverse=True)]:
        if candidate:
            return Path(candidate).parent
    return None


@contextlib.contextmanager
def throwaway_postgres(bindir: Path):
    datadir = Path(tempfile.mkdtemp(prefix="socialmgr-pg-"))
    port = free_port()
    run_as: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        user = "postgres" if _user_exists("postgres") else "nobody"
        shutil.chown(datadir, user)
        run_as = ["runuser", "-u", user, "--"]
    subprocess.run([*run_as, str(bindir / "initdb"), "-D", str(datadir), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8", "--no-sync"], check=True,
                   stdout=subprocess.DEVNULL)
    opts = f"-p {port} -k {datadir} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(datadir), "-o", opts,
                    "-l", str(datadir / "log"), "-w", "start"], check=True,
                   stdout=subprocess.DEVNULL)
    try:
        yield f"postgres://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "fast",
                        "stop"], stdout=subprocess.DEVNULL, check=False)
        shutil.rmtree(datadir, ignore_errors=True)


@contextlib.contextmanager
def throwaway_redis(binary: str):
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        wait_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def main(argv: list[str]) -> int:
    env = dict(os.environ, SOCIALMGR_TESTING="true")
    missing = []
    with contextlib.ExitStack() as stack:
        if not env.get("DATABASE_URL"):
            bindir = find_pg_bin()
            if bindir:
                env["DATABASE_URL"] = stack.enter_context(throwaway_postgres(bindir))
                print(f"test services: throwaway PostgreSQL from {bindir}")
            else:
                missing.append("postgres")
        if not env.get("REDIS_URL"):
            binary = shutil.which("redis-server")
            if binary:
                env["REDIS_URL"] = stack.enter_context(throwaway_redis(binary))
                print("test services: throwaway Redis")
            else:
                missing.append("redis")
        if missing:
            env["SOCIALMGR_MISSING_SERVICES"] = ",".join(missing)
            print(f"test services: not available here: {', '.join(missing)}")
        cmd = [sys.executable, "-m", "pytest", *argv]
        return subprocess.call(cmd, env=env, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
