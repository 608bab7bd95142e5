"""`make bench BENCH=publish`: N posts across 100 sandbox accounts, all due in the same second.

Real Celery processes (beat + workers, threads pool) publish them to a sandbox server with
50 ms latency. Lag is measured from the due time to the sandbox *receiving* each call; the
baseline is a plain ThreadPoolExecutor + requests client posting as many statuses to the
same sandbox in the same run. Needs REDIS_URL (the broker); PostgreSQL is what the numbers
are meant for. PUBLISH_BENCH_POSTS (default 1000), PUBLISH_BENCH_WORKERS (2) and
PUBLISH_BENCH_CONCURRENCY (threads per worker, 8: batches in flight, each one
DB connection) tune it.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from bench._util import percentile

ACCOUNTS = 100
LATENCY_MS = 50
# PUBLISH_BENCH_LOG=path keeps the worker and beat output for diagnosis
# (PUBLISH_BENCH_LOGLEVEL=INFO logs when each task was received and how long it took).
LOG_PATH = os.environ.get("PUBLISH_BENCH_LOG", "")


def _settings():
    from django.conf import settings

    if not settings.REDIS_URL:
        raise SystemExit("bench publish needs REDIS_URL (a Redis broker for the real workers), "
                         "e.g. REDIS_URL=redis://127.0.0.1:6379/15 make bench BENCH=publish")
    return settings


def _accounts(org, control) -> list:
    """100 sandbox accounts with tokens (made on the sandbox's admin side: fast)."""
    from accounts.models import ConnectedAccount
    from platforms.base import Tokens

    accounts = []
    for n in range(ACCOUNTS):
        made = control.create_account(f"bench_{n}", f"Bench {n}")
        account = ConnectedAccount(organization=org, provider="sandbox",
                                   external_id=made["account"]["id"], handle=f"@bench_{n}",
                                   settings={"account_id": made["account"]["id"]})
        account.set_tokens(Tokens(access_token=made["access_token"],
                                  refresh_token=made.get("refresh_token", "")))
        accounts.append(account)
    return ConnectedAccount.objects.bulk_create(accounts)


def _schedule(org, accounts, n: int, due: dt.datetime) -> list[str]:
    """Scheduled posts as the services leave them (bulk: the setup is not what is measured)."""
    from content.models import Post, PostTarget
    from content.workflows import PostState, TargetState

    posts = Post.objects.bulk_create(
        Post(organization=org, text=f"Bench post {i}", status=PostState.SCHEDULED,
             scheduled_at=due) for i in range(n))
    targets = PostTarget.objects.bulk_create(
        PostTarget(post=post, account=accounts[i % len(accounts)], status=TargetState.SCHEDULED,
                   next_attempt_at=due) for i, post in enumerate(posts))
    return [str(t.idempotency_key) for t in targets]


def _baseline(url: str, tokens: list[str], n: int) -> float:
    session = requests.Session()
    session.trust_env = False
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=ACCOUNTS))

    def post(i: int) -> None:
        session.post(f"{url}/api/v1/statuses", json={"status": f"baseline {i}"},
                     headers={"Authorization": f"Bearer {tokens[i % len(tokens)]}",
                              "Idempotency-Key": str(uuid.uuid4())}, timeout=30
                     ).raise_for_status()

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=ACCOUNTS) as pool:
        list(pool.map(post, range(n)))
    return n / (time.monotonic() - started)


def run() -> dict:
    settings = _settings()
    from accounts.models import Organization
    from content.models import PostTarget
    from tests.sandbox.process import SandboxProcess
    from tests.workers import ROOT, child_env

    n = int(os.environ.get("PUBLISH_BENCH_POSTS", 1000))
    workers = int(os.environ.get("PUBLISH_BENCH_WORKERS", 2))
    concurrency = int(os.environ.get("PUBLISH_BENCH_CONCURRENCY", 8))
    pool = os.environ.get("PUBLISH_BENCH_POOL", "threads")
    import redis

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    with SandboxProcess(latency_ms=LATENCY_MS, rate_limit_calls=0, activity_per_hour=0) as sb:
        settings.SANDBOX_URL = sb.url
        org = Organization.objects.create(name="Bench", slug=f"bench-{uuid.uuid4().hex[:6]}")
        accounts = _accounts(org, sb.control)
        tokens = [sb.control.create_account(f"base_{i}")["access_token"]
                  for i in range(ACCOUNTS)]
        cpu = {"baseline_client": time.process_time(), "sandbox": _cpu_seconds(sb.proc.pid)}
        baseline = _baseline(sb.url, tokens, n)
        cpu["baseline_client"] = time.process_time() - cpu["baseline_client"]
        cpu["baseline_sandbox"] = _cpu_seconds(sb.proc.pid) - cpu.pop("sandbox")
        env = child_env(SANDBOX_URL=sb.url, PUBLISH_DISPATCH_BATCH=str(max(n, 500)))
        beat_file = str(ROOT / "var" / f"bench-beat-{os.getpid()}")
        procs = [_celery(["beat", "-s", beat_file], env, ROOT)]
        procs += [_celery(["worker", f"--pool={pool}", f"--concurrency={concurrency}",
                           "--without-gossip", "--without-mingle", "-n", f"bench{i}@%h"],
                          env, ROOT) for i in range(workers)]
        try:
            _wait_until_running(workers)
            due = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=3)).replace(microsecond=0)
            keys = _schedule(org, accounts, n, due)
            before = {p.pid: _cpu_seconds(p.pid) for p in procs}
            sandbox_before = _cpu_seconds(sb.proc.pid)
            published = PostTarget.objects.filter(post__organization=org, status="published")
            deadline = time.monotonic() + 120
            while published.count() < n and time.monotonic() < deadline:
                time.sleep(0.5)
            stats = sb.control.stats(events=True)
            cpu["pipeline"] = sum(_cpu_seconds(p.pid) - before[p.pid] for p in procs)
            cpu["sandbox"] = _cpu_seconds(sb.proc.pid) - sandbox_before
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            for leftover in (ROOT / "var").glob(f"bench-beat-{os.getpid()}*"):
                leftover.unlink(missing_ok=True)  # beat's schedule shelve
    return _report(n, keys, stats, due, baseline, published.count(), cpu=cpu,
                   worker_count=workers * concurrency, processes=workers, pool=pool)


def _wait_until_running(workers: int, timeout: float = 120) -> None:
    """Every worker answers a ping and beat's dispatcher has run on one of them: a loaded
    machine can take far longer than a fixed sleep to start them, which would be measured
    as lag."""
    from django.utils import timezone

    from ops.models import Heartbeat
    from socialmgr.celery import app

    started = timezone.now()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answered = app.control.ping(timeout=1.0) or []
        ran = Heartbeat.objects.filter(kind="dispatcher", last_seen__gt=started).exists()
        if len(answered) >= workers and ran:
            return
        time.sleep(0.5)
    raise SystemExit("bench publish: the workers or beat did not start in time")


def _celery(args: list[str], env: dict, root) -> subprocess.Popen:
    log = open(LOG_PATH, "a") if LOG_PATH else subprocess.DEVNULL  # noqa: SIM115
    level = os.environ.get("PUBLISH_BENCH_LOGLEVEL", "WARNING")  # INFO: every task's timing
    return subprocess.Popen([sys.executable, "-m", "celery", "-A", "socialmgr", *args,
                             f"--loglevel={level}"], cwd=root, env=env, stdout=log, stderr=log)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), from /proc (Linux)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _report(n, keys, stats, due, baseline, published, *, cpu, worker_count, processes,
            pool) -> dict:
    by_key = stats["statuses"]["by_key"]
    first_seen = {e["idempotency_key"]: e["received_at"] for e in stats["statuses"]["events"]}
    lags = [first_seen[k] - due.timestamp() for k in keys if k in first_seen]
    duplicates = sum(max(0, by_key[k]["created"] - 1) for k in keys if k in by_key)
    throughput = len(lags) / max(lags) if lags else 0.0
    return {
        "posts": n,
        "first_lag_s": round(min(lags), 3) if lags else None,  # dispatch + claim + first call
        "p50_lag_s": round(percentile(lags, 50), 3),
        "p95_lag_s": round(percentile(lags, 95), 3),
        "p99_lag_s": round(percentile(lags, 99), 3),
        "max_lag_s": round(max(lags), 3) if lags else None,
        "throughput_per_s": round(throughput, 1),
        "baseline_throughput_per_s": round(baseline, 1),
        "ratio": round(throughput / baseline, 3) if baseline else None,
        "duplicates": duplicates,
        "lost": n - published,
        "worker_count": worker_count,
        "worker_processes": processes,
        "pool": pool,
        # CPU per post (ms): what the numbers above cost, independent of the machine's load.
        # pipeline = workers + beat while publishing (PostgreSQL and Redis not included).
        "cpu_ms_per_post": {key: round(1000 * value / max(n, 1), 2)
                            for key, value in cpu.items()},
    }
