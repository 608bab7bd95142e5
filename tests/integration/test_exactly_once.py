"""Exactly once, on real processes: PostgreSQL, Redis, two Celery workers plus beat, and a
sandbox server injecting faults (5xx, 429, timeouts, answers lost after the post was made)
while the workers are SIGKILLed at random moments and restarted. Every tenth post is a
thread of three parts with a first comment: each part goes out once, in order, answering
the part before it, however often the chain is interrupted."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import threading

import pytest
from django.utils import timezone

from content.models import PostTarget, TargetPart
from content.services.posts import PostData, post_create
from content.services.workflow import post_schedule
from tests.integration.conftest import connect_accounts
from tests.sandbox.process import SandboxProcess
from tests.workers import ROOT, child_env, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow,
              pytest.mark.django_db(transaction=True)]

POSTS = 300
THREAD_EVERY = 10  # every tenth post: three parts and a first comment (3 more statuses)
PARTS = 3 * len(range(0, POSTS, THREAD_EVERY))
# Due times are spread over ~15 s so the killing happens while publishing is under way,
# however fast the pipeline gets.
SPREAD_S = 0.05
FAULTS = {  # ~20% of publish calls fail, in every way a platform can
    "fault_routes": ["POST /api/v1/statuses"], "error_rate": 0.07, "throttle_rate": 0.04,
    "retry_after_s": 1, "timeout_rate": 0.02, "timeout_s": 22, "lost_rate": 0.07,
    "rate_limit_calls": 0, "latency_ms": 10, "activity_per_hour": 0, "seed": 11,
}


def _schedule_posts(org, accounts, author, approver, at) -> list[int]:
    ids = []
    for n in range(POSTS):
        account = accounts[n % len(accounts)]
        text = f"Exactly once #{n}"
        comments = {}
        if n % THREAD_EVERY == 0:
            text = f"Thread #{n}, part 1.\n---\nThread #{n}, part 2.\n---\nThread #{n}, part 3."
            comments = {account.pk: f"First comment on #{n}"}
        post = post_create(organization=org, actor=author,
                           data=PostData(text=text, account_ids=[account.pk],
                                         first_comments=comments))
        post_schedule(post=post, actor=approver,
                      scheduled_at=at + dt.timedelta(seconds=n * SPREAD_S))
        ids.append(post.pk)
    return ids


class Workers:
    """Two worker processes that a chaos thread SIGKILLs and restarts."""

    def __init__(self, env: dict, logdir):
        self.env, self.logdir, self.procs, self.kills = env, logdir, {}, 0
        self.stop = threading.Event()

    def start(self, name: str) -> None:
        log = open(self.logdir / f"{name}.log", "a")  # noqa: SIM115
        self.procs[name] = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "socialmgr", "worker", "--pool=threads",
             "--concurrency=8", "--without-gossip", "--without-mingle", "-n", f"{name}@test",
             "--loglevel=WARNING"], cwd=ROOT, env=self.env, stdout=log, stderr=log,
            start_new_session=True)

    def chaos(self) -> None:
        rng = random.Random(5)
        while not self.stop.wait(rng.uniform(1.0, 3.0)):
            name = rng.choice(sorted(self.procs))
            os.killpg(self.procs[name].pid, signal.SIGKILL)
            self.procs[name].wait()
            self.kills += 1
            self.start(name)

    def shutdown(self) -> None:
        self.stop.set()
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def test_every_post_is_published_exactly_once_despite_faults_and_killed_workers(
        org, member_of, settings, tmp_path, clean_broker):
    with SandboxProcess(**FAULTS) as sandbox:
        settings.SANDBOX_URL = sandbox.url
        accounts = connect_accounts(org, sandbox, 10)
        at = timezone.now() + dt.timedelta(seconds=POSTS * 0.08 + 10)
        _schedule_posts(org, accounts, member_of("editor"), member_of("approver"), at)
        env = child_env(SANDBOX_URL=sandbox.url, PUBLISH_LEASE_SECONDS="30")
        workers = Workers(env, tmp_path)
        beat_log = open(tmp_path / "beat.log", "w")  # noqa: SIM115
        beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "socialmgr", "beat", "--loglevel=WARNING",
             "-s", str(tmp_path / "beat-schedule")], cwd=ROOT, env=env, stdout=beat_log,
            stderr=beat_log, start_new_session=True)
        for name in ("w1", "w2"):
            workers.start(name)
        chaos = threading.Thread(target=workers.chaos, daemon=True)
        try:
            wait_for(lambda: timezone.now() >= at, timeout=120, what="the posts' time")
            chaos.start()
            published = PostTarget.objects.filter(post__organization=org, status="published")
            wait_for(lambda: published.count() >= POSTS * 0.9, timeout=90, interval=1,
                     what="most posts published under chaos")
            workers.stop.set()
            chaos.join()
            wait_for(lambda: published.count() == POSTS, timeout=80, interval=1,
                     what=f"all posts published ({published.count()}/{POSTS})")
            sent = TargetPart.objects.filter(target__post__organization=org, status="sent")
            wait_for(lambda: sent.count() == PARTS, timeout=80, interval=1,
                     what=f"all thread parts and comments sent ({sent.count()}/{PARTS})")
        finally:
            workers.shutdown()
            os.killpg(beat.pid, signal.SIGKILL)
            beat.wait()
            beat_log.close()
        stats = sandbox.control.stats(events=True)
    assert workers.kills >= 3
    assert sum(stats["faults"]["POST /api/v1/statuses"].values()) >= POSTS * 0.15
    by_key = stats["statuses"]["by_key"]
    targets = list(PostTarget.objects.filter(post__organization=org))
    assert len(targets) == POSTS
    for target in targets:
        entry = by_key[str(target.idempotency_key)]
        assert entry["created"] == 1, (target.pk, entry)
        assert target.remote_id == entry["status_ids"][0]
    parents = {e["status_id"]: e["in_reply_to_id"] for e in stats["statuses"]["events"]}
    parts = list(TargetPart.objects.filter(target__post__organization=org)
                 .select_related("target").order_by("target_id", "position"))
    assert len(parts) == PARTS
    for part in parts:
        entry = by_key[str(part.idempotency_key)]
        assert entry["created"] == 1, (part.pk, entry)
        assert part.remote_id == entry["status_ids"][0]
        before = [p for p in parts if p.target_id == part.target_id
                  and p.kind == "thread" and p.position < part.position]
        wanted = part.target.remote_id if part.kind == "comment" or not before \
            else before[-1].remote_id
        assert parents[part.remote_id] == wanted, (part.pk, part.kind, part.position)
    assert stats["statuses"]["created"] == POSTS + PARTS
    assert stats["statuses"]["duplicate_keys"] == []
    assert stats["statuses"]["duplicate_texts"] == 0


def test_two_dispatchers_running_at_once_never_claim_the_same_target(org, member_of, settings,
                                                                     tmp_path, sandbox):
    accounts = [type(a).objects.get(pk=a.pk) for a in _sandbox_accounts(org, sandbox)]
    at = timezone.now() + dt.timedelta(seconds=30)
    ids = []
    for n in range(120):
        post = post_create(organization=org, actor=member_of("editor"),
                           data=PostData(text=f"Claim me {n}",
                                         account_ids=[accounts[n % 2].pk]))
        ids.append(post)
    approver = member_of("approver")
    for post in ids:
        post_schedule(post=post, actor=approver, scheduled_at=at)
    PostTarget.objects.filter(post__organization=org).update(next_attempt_at=timezone.now())
    env = child_env()
    outs = [tmp_path / f"d{n}.json" for n in range(2)]
    procs = [subprocess.Popen([sys.executable, "-m", "tests.integration.dispatch_loop",
                               str(out), "6"], cwd=ROOT, env=env) for out in outs]
    for proc in procs:
        assert proc.wait(60) == 0
    first, second = (json.loads(out.read_text()) for out in outs)
    assert first and second, "both dispatchers must have claimed work"
    assert not set(first) & set(second)
    assert len(first) + len(second) == len(set(first) | set(second)) == 120
    assert PostTarget.objects.filter(status="publishing").count() == 120


def _sandbox_accounts(org, sandbox):
    from accounts.services.connected_accounts import account_connect
    from platforms.registry import get_provider
    from tests.sandbox.fixtures import CALLBACK

    provider, out = get_provider("sandbox"), []
    for name in ("claim_a", "claim_b"):
        start = provider.connect_start(redirect_uri=CALLBACK, organization=org)
        params = sandbox.authorize(start.redirect_url, username=name)
        result = provider.connect_complete(redirect_uri=CALLBACK, state=start.state,
                                           params=params, organization=org)
        out.append(account_connect(organization=org, provider_key="sandbox", result=result,
                                   actor=None))
    return out
