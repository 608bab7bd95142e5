"""The 90-day analytics dashboard over 10,000,000 post-metric snapshots (PostgreSQL).

Data is generated inside PostgreSQL with INSERT … SELECT over generate_series (no ORM
loops): posts, one published target each, their rollup rows, six snapshots per target
(1 h … 30 d), daily follower counts and inbox items, spread over two years and two
organisations (the measured one holds a tenth: a large brand with ~230 posts a day at
full scale). Foreign-key triggers are off during the bulk load (session_replication_role),
then the tables are analysed and the dashboard is timed through the whole Django stack.

ANALYTICS_BENCH_SNAPSHOTS scales it down for a quick run (e.g. 300000).
"""

from __future__ import annotations

import json
import os
import time

from django.db import connection
from django.test import Client

from accounts.roles import Role
from analytics.models import AccountMetricSnapshot, PostMetricSnapshot, TargetMetrics
from bench._util import time_requests
from content.models import Post, PostTarget
from inbox.models import InboxItem
from tests.factories import ConnectedAccountFactory, MembershipFactory, OrganizationFactory

BUCKETS = (1, 6, 24, 72, 168, 720)
DAYS = 730
ACCOUNTS = 20
SOURCES = json.dumps({"impressions": "impressions_count", "likes": "favourites_count",
                      "reposts": "reblogs_count", "replies": "replies_count"})

ROLLUP_SOURCES = json.dumps({k: {"field": v} for k, v in json.loads(SOURCES).items()})


def insert_select(model, exprs: dict[str, str], source: str, params: list | None = None) -> int:
    """INSERT INTO model's table SELECT … FROM source; unlisted columns get their default.

    Built from the model's fields, so columns other apps add later keep working.
    """
    columns, values, args = [], [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(connection.ops.quote_name(f.column))
        if f.name in exprs or f.column in exprs:
            values.append(exprs.get(f.name, exprs.get(f.column)))
        elif f.null:
            values.append("NULL")
        elif f.has_default():
            default = f.get_default()
            values.append("%s")
            args.append(json.dumps(default) if isinstance(default, dict | list) else default)
        elif f.empty_strings_allowed and f.blank and f.get_internal_type() in (
                "CharField", "TextField", "URLField", "SlugField", "EmailField"):
            values.append("''")
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            values.append("now()")
        else:
            raise RuntimeError(f"{model.__name__}.{f.name} needs a value in the benchmark")
    # Only our own constant SQL fragments are interpolated; values go in as parameters.
    sql = (f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
           f"SELECT {', '.join(values)} FROM {source}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*args, *(params or [])])
        return cursor.rowcount


def generate(org_ids: list[int], account_ids: dict[int, list[int]], targets: int) -> None:
    per_org = {org_ids[0]: targets // 10, org_ids[1]: targets - targets // 10}
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        for org_id, n in per_org.items():
            accts = "ARRAY[" + ",".join(map(str, account_ids[org_id])) + "]"
            # Spread over two years, deterministic but not regular (a multiplicative hash).
            when = f"now() - ((g::bigint * 7919) %% ({DAYS} * 1440)) * interval '1 minute'"
            insert_select(Post, {
                "organization": str(org_id), "text": "'Benchmark post ' || g",
                "status": "'scheduled'", "scheduled_at": when, "timezone": "'Europe/Berlin'",
                "created_at": when, "updated_at": when,
            }, "generate_series(1, %s) g", [n])
            insert_select(PostTarget, {
                "post": "p.id", "account": f"({accts})[1 + p.id %% {len(account_ids[org_id])}]",
                "status": "'published'", "remote_id": "'b' || p.id",
                "remote_url": "'https://sandbox.example/@bench/' || p.id",
                "published_at": "p.scheduled_at", "idempotency_key": "gen_random_uuid()",
                "created_at": "p.created_at", "updated_at": "p.created_at",
            }, "content_post p WHERE p.organization_id = %s", [org_id])
        reach = "(300 + (t.id::bigint * 104729) %% 5000)"
        insert_select(TargetMetrics, {
            "organization": "p.organization_id", "account": "t.account_id", "target": "t.id",
            "post": "p.id", "provider": "'sandbox'", "published_at": "t.published_at",
            "fetched_at": "t.published_at + interval '30 days'", "snapshots": str(len(BUCKETS)),
            "impressions": reach, "likes": f"{reach} / 40", "reposts": f"{reach} / 200",
            "replies": f"{reach} / 400",
            "engagements": f"{reach} / 40 + {reach} / 200 + {reach} / 400",
            "sources": f"'{ROLLUP_SOURCES}'::jsonb",
        }, "content_posttarget t JOIN content_post p ON p.id = t.post_id")
        curve = "(1 - exp(-b / 6.0))"
        impressions = f"floor(tm.impressions * {curve})::bigint"
        insert_select(PostMetricSnapshot, {
            "organization": "tm.organization_id", "account": "tm.account_id",
            "target": "tm.target_id", "age_bucket": "b",
            "fetched_at": "tm.published_at + b * interval '1 hour'",
            "captured_at": "tm.published_at + b * interval '1 hour'",
            "impressions": impressions, "likes": f"{impressions} / 40",
            "reposts": f"{impressions} / 200", "replies": f"{impressions} / 400",
            "sources": f"'{SOURCES}'::jsonb",
        }, f"analytics_targetmetrics tm CROSS JOIN unnest(ARRAY{list(BUCKETS)}) b")
        for org_id, accts in account_ids.items():
            for account_id in accts:
                insert_select(AccountMetricSnapshot, {
                    "organization": str(org_id), "account": str(account_id),
                    "metric": "'followers'", "value": f"5000 + ({DAYS} - d) * 7 + (d * 31) %% 23",
                    "source_field": "'followers_count'",
                    "fetched_at": "now() - d * interval '1 day'",
                    "day": "(now() - d * interval '1 day')::date",
                }, "generate_series(1, %s) d", [DAYS])
            created = "now() - ((g * 6007) %% (730 * 1440)) * interval '1 minute'"
            accts_sql = "ARRAY[" + ",".join(map(str, accts)) + "]"
            insert_select(InboxItem, {
                "organization": str(org_id), "account": f"({accts_sql})[1 + g %% {len(accts)}]",
                "kind": "'comment'", "remote_id": "'bi' || g",
                "author_handle": "'@fan' || g %% 500",
                "text": "'Nice post'", "created_at": created, "fetched_at": created,
                "status": "'done'",
                "first_response_at": f"{created} + ((g * 13) %% 240) * interval '1 minute'",
            }, "generate_series(1, 15000) g")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
    with connection.cursor() as cursor:
        for model in (Post, PostTarget, TargetMetrics, PostMetricSnapshot,
                      AccountMetricSnapshot, InboxItem):
            # What autovacuum would do: statistics, and the visibility map for index-only scans.
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def run() -> dict:
    if connection.vendor != "postgresql":
        return {"error": "needs PostgreSQL (set DATABASE_URL)"}
    snapshots = int(os.environ.get("ANALYTICS_BENCH_SNAPSHOTS", "10000000"))
    targets = max(10, snapshots // len(BUCKETS))
    org = OrganizationFactory(slug="bench", name="Bench", timezone="Europe/Berlin")
    noise = OrganizationFactory(slug="bench-noise", name="Noise")
    owner = MembershipFactory(organization=org, role=Role.OWNER).user
    account_ids = {o.pk: [ConnectedAccountFactory(organization=o).pk for _ in range(ACCOUNTS)]
                   for o in (org, noise)}
    started = time.monotonic()
    generate([org.pk, noise.pk], account_ids, targets)
    generated_s = round(time.monotonic() - started, 1)
    stored = PostMetricSnapshot.objects.count()

    client = Client()
    client.force_login(owner)
    result = time_requests(client, "/o/bench/analytics/?range=90", n=40, warmup=3)
    custom = time_requests(client, "/o/bench/analytics/?range=custom&start="
                           f"{time_now_date(365)}&end={time_now_date(0)}", n=10, warmup=1)
    return {
        "snapshots": stored,
        "dashboard_p95_ms": result["p95_ms"],
        "dashboard_p50_ms": result["p50_ms"],
        "queries_per_page": result["queries"],
        "year_range_p95_ms": custom["p95_ms"],
        "bench_org_posts": TargetMetrics.objects.filter(organization=org).count(),
        "generate_s": generated_s,
    }


def time_now_date(days_back: int | None = None):
    import datetime as dt

    from django.utils import timezone

    today = timezone.now().date()
    if days_back is None:
        return today
    return today - dt.timedelta(days=days_back)
