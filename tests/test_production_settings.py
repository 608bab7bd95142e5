"""Production settings pass Django's deployment checks with no warnings."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SOCIALMGR_TESTING": "false",
    "SECRET_KEY": "x" * 20 + "a-production-grade-secret-key-with-entropy-0123456789",
    "ALLOWED_HOSTS": "social.example.com",
    "SITE_URL": "https://social.example.com",
    "TOKEN_ENCRYPTION_KEYS": "2xZBQ9l0pB3rCwz3J5mdK0Hq0cVZVq6yTn8l6Q0sY1E=",
    "EMAIL_URL": "smtp://user:pass@mail.example.com:587/?tls=true",
}


def _run(*args, extra_env=None):
    # Only what production would have: no test-only switches (the browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE for their own process).
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST", "DJANGO_ALLOW_ASYNC_UNSAFE"))}
    env.update(PRODUCTION_ENV, **(extra_env or {}))
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = _run("check", "--deploy", "--fail-level", "WARNING",
                  extra_env={"SOCIALMGR_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _run("check", extra_env={"SECRET_KEY": "", "SOCIALMGR_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_malformed_boolean_is_refused(tmp_path):
    result = _run("check", extra_env={"DEBUG": "maybe", "SOCIALMGR_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_offline_commands_run_in_a_bare_checkout_without_secrets(tmp_path):
    result = _run("makemigrations", "--check", "--dry-run",
                  extra_env={"SECRET_KEY": "", "SOCIALMGR_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout
