"""Helpers shared by the benchmarks: timing requests and reading query counts."""

import gc
import statistics
import time

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def time_requests(client, url: str, *, n: int = 100, warmup: int = 5) -> dict:
    """Server time of GET `url` through the whole Django stack, and its query count.

    Wall time (`p50_ms`/`p95_ms`) and this thread's CPU time (`cpu_p50_ms`/`cpu_p95_ms`): on a
    shared machine the wall time carries other people's load, the CPU time much less (the
    database's own work runs in its server process and is not in it)."""
    for _ in range(warmup):
        client.get(url)
    # As the production server does once a worker has booted (socialmgr/gunicorn.py).
    gc.collect()
    gc.freeze()
    timings, cpu = [], []
    for _ in range(n):
        reset_queries()
        started, cpu_started = time.perf_counter(), time.thread_time()
        response = client.get(url)
        cpu.append((time.thread_time() - cpu_started) * 1000)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 95), 2),
        "cpu_p50_ms": round(statistics.median(cpu), 2),
        "cpu_p95_ms": round(percentile(cpu, 95), 2),
        "queries": len(ctx.captured_queries),
    }
