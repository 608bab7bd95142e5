"""Polls run at the configured interval on real processes: a Celery worker and beat, PostgreSQL,
Redis and a sandbox server in its own process, with INBOX_POLL_INTERVAL_SECONDS=10.

A new mention is in the inbox within the interval plus a few seconds, and one account's polls
are an interval apart (the old plan made it two: the next poll was found one beat late).
The planning itself is tested without a clock in tests/inbox/test_poll_planning.py.
"""

from __future__ import annotations

import subprocess
import sys
import time
from itertools import pairwise

import pytest
from django.utils import timezone

from inbox.models import SOURCE_INBOX, InboxCursor, InboxItem
from tests.integration.conftest import connect_accounts
from tests.sandbox.process import SandboxProcess
from tests.workers import ROOT, child_env, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow,
              pytest.mark.django_db(transaction=True)]

INTERVAL = 10
SLACK = 4  # seconds: the worker picks the task up, reads the page, stores the item


def _celery(args: list[str], env: dict, log_path) -> subprocess.Popen:
    log = open(log_path, "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen([sys.executable, "-m", "celery", "-A", "socialmgr", *args],
                            cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)


def test_a_new_mention_is_seen_within_the_interval_and_polls_keep_the_cadence(
        org, settings, tmp_path, clean_broker):
    with SandboxProcess(activity_per_hour=0, seed=3) as sandbox:
        settings.SANDBOX_URL = sandbox.url
        accounts = connect_accounts(org, sandbox, 3)
        env = child_env(SANDBOX_URL=sandbox.url, INBOX_POLL_INTERVAL_SECONDS=str(INTERVAL))
        worker = _celery(["worker", "--pool=threads", "--concurrency=4", "--without-gossip",
                          "--without-mingle", "-n", "poller@test", "--loglevel=WARNING"],
                         env, tmp_path / "worker.log")
        beat = _celery(["beat", "--loglevel=WARNING", "-s", str(tmp_path / "beat-schedule")],
                       env, tmp_path / "beat.log")
        try:
            cursors = InboxCursor.objects.filter(source=SOURCE_INBOX,
                                                 account__in=accounts,
                                                 last_polled_at__isnull=False)
            wait_for(lambda: cursors.count() == 3, timeout=60, interval=0.5,
                     what="the first poll of every account")

            # One account's polls, watched for four intervals.
            watched = InboxCursor.objects.get(account=accounts[0], source=SOURCE_INBOX)
            seen = [watched.last_polled_at]
            deadline = time.monotonic() + 4 * INTERVAL + SLACK
            while time.monotonic() < deadline:
                watched.refresh_from_db(fields=["last_polled_at"])
                if watched.last_polled_at != seen[-1]:
                    seen.append(watched.last_polled_at)
                time.sleep(0.2)
            gaps = [(b - a).total_seconds() for a, b in pairwise(seen[1:])]
            assert len(seen) >= 4, f"polled at {seen}"
            assert gaps and all(INTERVAL - 2 <= gap <= INTERVAL + 2 for gap in gaps), gaps

            # A mention that arrives now is in the inbox within the interval (+ a few s).
            text = f"@brand_1 cadence check {timezone.now().timestamp()}"
            sandbox.control.inject("brand_1", "mention", text=text, author="ann@elsewhere")
            started = time.monotonic()
            wait_for(lambda: InboxItem.objects.filter(text__contains="cadence check").exists(),
                     timeout=INTERVAL + SLACK, interval=0.2,
                     what="the new mention in the inbox")
            assert time.monotonic() - started <= INTERVAL + SLACK
        finally:
            for proc in (beat, worker):
                proc.terminate()
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)
