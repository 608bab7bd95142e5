"""`make run`: prepare the local installation and run web, worker and beat together.

Without DATABASE_URL / REDIS_URL it uses the embedded default (SQLite file and a
file-system broker under var/). Ctrl-C stops all three processes.
"""

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
PY = sys.executable


def dev_environment() -> dict:
    VAR.mkdir(exist_ok=True)
    env = dict(os.environ)
    env.setdefault("DEBUG", "true")
    env.setdefault("PYTHONUNBUFFERED", "1")
    # A local token-encryption key, generated once into an untracked file.
    key_file = VAR / "token_encryption_keys"
    if not key_file.exists():
        from cryptography.fernet import Fernet

        key_file.write_text(Fernet.generate_key().decode() + "\n")
        key_file.chmod(0o600)
    env.setdefault("TOKEN_ENCRYPTION_KEYS", key_file.read_text().strip())
    secret_file = VAR / "secret_key"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(50))
        secret_file.chmod(0o600)
    env.setdefault("SECRET_KEY", secret_file.read_text().strip())
    env.setdefault("PORT", "8000")
    env.setdefault("SANDBOX_URL", f"http://127.0.0.1:{int(env['PORT']) + 1}")
    return env


def sandbox_is_local(env: dict) -> bool:
    return urlsplit(env["SANDBOX_URL"]).hostname in ("127.0.0.1", "localhost", "::1")


def start_sandbox(env: dict) -> subprocess.Popen:
    """The pretend platform on SANDBOX_URL's port, its world kept in var/sandbox.json."""
    port = urlsplit(env["SANDBOX_URL"]).port or 8001
    proc = subprocess.Popen(
        [PY, "-m", "sandbox", "--port", str(port),
         "--state-file", str(VAR / "sandbox.json"), "--demo"],
        env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            urllib.request.urlopen(f"{env['SANDBOX_URL']}/api/v1/instance", timeout=1)  # noqa: S310
            break
        except OSError:
            time.sleep(0.1)
    return proc


def manage(env, *args) -> None:
    subprocess.run([PY, "manage.py", *args], env=env, cwd=ROOT, check=True)


def main() -> int:
    env = dev_environment()
    # The sandbox network starts first: seed_demo connects the demo accounts through it.
    procs = {"sandbox": start_sandbox(env)} if sandbox_is_local(env) else {}
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo")
    except BaseException:
        for proc in procs.values():
            os.killpg(proc.pid, signal.SIGTERM)
        raise
    celery = [PY, "-m", "celery", "-A", "socialmgr"]
    commands = {
        "web": [PY, "manage.py", "runserver", f"127.0.0.1:{env['PORT']}"],
        "worker": [*celery, "worker", "--loglevel=WARNING", "--concurrency=2"],
        "beat": [*celery, "beat", "--loglevel=WARNING"],
    }
    procs.update({name: subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
                  for name, cmd in commands.items()})
    print(f"\nsocialmgr runs on http://127.0.0.1:{env['PORT']}/  (Ctrl-C stops web, worker, "
          f"beat and the sandbox network at {env['SANDBOX_URL']})\n", flush=True)

    def stop(*_):
        for proc in procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in procs.values():
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
    try:
        while True:
            for name, proc in procs.items():
                if proc.poll() is not None:
                    print(f"{name} stopped (exit {proc.returncode}); stopping the others",
                          file=sys.stderr)
                    stop()
                    return proc.returncode or 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        stop()
        return 0


if __name__ == "__main__":
    sys.exit(main())
