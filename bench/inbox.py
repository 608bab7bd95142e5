"""The inbox at scale: 1,000,000 items in one organisation (INBOX_BENCH_ITEMS to change).

Items are generated inside PostgreSQL (INSERT … SELECT over generate_series: minutes, not
hours); elsewhere a scaled-down bulk_create stands in. Then the list page is timed through
the whole Django stack: the default page (open items, newest first), a deep keyset page,
a filtered page (account + type), and a full-text search. Ingestion is timed as the pollers
use it: pages of 100 entries through `inbox_ingest_entries` (upsert, parent links, rules),
ten pages (INBOX_POLL_MAX_PAGES) to a poll run.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from urllib.parse import urlencode

from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from bench._util import time_requests
from inbox.models import InboxItem, ItemStatus
from inbox.selectors import encode_cursor
from inbox.services import inbox_ingest_entries
from inbox.services.ingest import IngestRun
from inbox.services.polling import max_pages
from platforms.base import InboxEntry
from tests.factories import ConnectedAccountFactory, MembershipFactory, OrganizationFactory

ACCOUNTS = 20
SQLITE_MAX = 50_000
INGEST_ITEMS = 20_000
INGEST_PAGE = 100
REQUESTS = 60

GENERATE = """
    INSERT INTO inbox_inboxitem (
        organization_id, account_id, kind, remote_id, parent_remote_id, thread_root_remote_id,
        author_handle, author_name, author_avatar_url, text, url, created_at, fetched_at,
        status, done_at, assignee_id, labels, urgent, sentiment, applied_rules, raw)
    SELECT %(org)s,
           (%(accounts)s::bigint[])[1 + g %% %(n_accounts)s],
           (ARRAY['comment','mention','reply','quote','listening'])[1 + (g / 7) %% 5],
           'bench-' || g, '', '',
           '@fan' || (g %% 50000), 'Fan ' || (g %% 50000), '',
           'Comment ' || g || ' about the '
             || (ARRAY['coffee','delivery','refund','pricing','support','espresso','order',
                       'shipping'])[1 + g %% 8]
             || ' and the ' || (ARRAY['app','shop','team','price','beans','cups'])[1 + (g / 8) %% 6]
             || CASE WHEN g %% 1000 = 0 THEN ' where is my parcel' ELSE '' END,
           '', %(now)s - make_interval(secs => g * 2), %(now)s,
           CASE WHEN g %% 10 < 7 THEN 'done' ELSE 'open' END,
           CASE WHEN g %% 10 < 7 THEN %(now)s ELSE NULL END,
           CASE WHEN g %% 20 = 0 THEN %(owner)s ELSE NULL END,
           '[]'::jsonb, g %% 50 = 0, '', '[]'::jsonb, '{}'::jsonb
    FROM generate_series(1, %(n)s) AS g
"""


def _generate_postgres(org, accounts, owner, n: int, now) -> None:
    with connection.cursor() as cur:
        cur.execute(GENERATE, {"org": org.pk, "accounts": [a.pk for a in accounts],
                               "n_accounts": len(accounts), "owner": owner.pk, "n": n,
                               "now": now})
        cur.execute("ANALYZE inbox_inboxitem")


def _generate_other(org, accounts, owner, n: int, now) -> None:
    words = ["coffee", "delivery", "refund", "pricing", "support", "espresso", "order",
             "shipping"]
    batch = []
    for g in range(1, n + 1):
        done = g % 10 < 7
        batch.append(InboxItem(
            organization=org, account=accounts[g % len(accounts)],
            kind=["comment", "mention", "reply", "quote", "listening"][(g // 7) % 5],
            remote_id=f"bench-{g}", author_handle=f"@fan{g % 50000}",
            text=f"Comment {g} about the {words[g % 8]}" + (" where is my parcel"
                                                            if g % 1000 == 0 else ""),
            created_at=now - dt.timedelta(seconds=g * 2),
            status=ItemStatus.DONE if done else ItemStatus.OPEN, done_at=now if done else None,
            assignee=owner if g % 20 == 0 else None, urgent=g % 50 == 0))
        if len(batch) == 5000:
            InboxItem.objects.bulk_create(batch)
            batch = []
    InboxItem.objects.bulk_create(batch)


def _parent(i: int) -> str:
    """Most items answer one of our posts; some answer an earlier item, a few one on the same
    page (a conversation in full swing)."""
    if i % 20 == 1:
        return f"ingest-{i - 1}"
    if i % 4 == 1 and i > 200:
        return f"ingest-{i - 150}"
    return f"our-post-{i % 40}" if i % 4 else ""


def _ingest_rate(account) -> float:
    now = timezone.now()
    entries = [InboxEntry(
        remote_id=f"ingest-{i}", kind="mention", author_handle=f"@poller{i % 300}",
        author_name=f"Poller {i % 300}", text=f"mention {i} of our shop",
        url=f"https://sandbox.example/p/{i}", created_at=now - dt.timedelta(seconds=i),
        parent_remote_id=_parent(i)) for i in range(INGEST_ITEMS)]
    started = time.perf_counter()
    run = None
    for n, start in enumerate(range(0, len(entries) - INGEST_PAGE, INGEST_PAGE)):
        if n % max_pages() == 0:  # one poll run: up to INBOX_POLL_MAX_PAGES pages
            run = IngestRun(account.organization_id)
        inbox_ingest_entries(account, entries[start:start + INGEST_PAGE], run=run)
    rate = (len(entries) - INGEST_PAGE) / (time.perf_counter() - started)
    if os.environ.get("INBOX_BENCH_EXPLAIN"):  # the statements of one page, slowest first
        import sys

        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            inbox_ingest_entries(account, entries[-INGEST_PAGE:])
        for q in sorted(ctx.captured_queries, key=lambda q: -float(q["time"])):
            print(f"ingest {q['time']}s {q['sql'][:120]}", file=sys.stderr)
    return rate


def _explain(client, name: str, url: str) -> None:
    """The plan of the page's item query, to stderr (INBOX_BENCH_EXPLAIN=1)."""
    import sys

    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    sql = next(q["sql"] for q in ctx.captured_queries
               if q["sql"].startswith('SELECT "inbox_inboxitem"."id"') and "LIMIT" in q["sql"])
    with connection.cursor() as cur:
        cur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        plan = "\n".join(row[0] for row in cur.fetchall())
    print(f"--- {name}: {url}\n{plan}", file=sys.stderr)


def run() -> dict:
    n = int(os.environ.get("INBOX_BENCH_ITEMS", "1000000"))
    if connection.vendor != "postgresql":
        n = min(n, SQLITE_MAX)
    org = OrganizationFactory(slug="bench", name="Bench")
    owner = MembershipFactory(organization=org, role=Role.OWNER).user
    accounts = [ConnectedAccountFactory(organization=org) for _ in range(ACCOUNTS)]
    now = timezone.now()
    started = time.monotonic()
    (_generate_postgres if connection.vendor == "postgresql" else _generate_other)(
        org, accounts, owner, n, now)
    generate_s = time.monotonic() - started

    client = Client()
    client.force_login(owner)
    base = "/o/bench/inbox/"
    # A position half-way down the open items (found once with OFFSET; the page uses keyset).
    open_items = InboxItem.objects.filter(organization=org, status=ItemStatus.OPEN).order_by(
        "-created_at", "-id")
    deep = open_items[max(0, open_items.count() // 2)]
    pages = {
        "list": base,
        "deep_page": f"{base}?{urlencode({'after': encode_cursor(deep)})}",
        "filtered": f"{base}?{urlencode({'account': accounts[3].pk, 'kind': 'mention'})}",
        "search": f"{base}?{urlencode({'q': 'parcel', 'status': 'all'})}",
    }
    timed = {name: time_requests(client, url, n=REQUESTS) for name, url in pages.items()}
    # The same page of an organisation with an empty inbox: what the page costs regardless
    # of data (the shell, sessions, templates), to read the numbers above against.
    empty = OrganizationFactory(slug="bench-empty", name="Empty")
    MembershipFactory(organization=empty, user=owner, role=Role.OWNER)
    baseline = time_requests(client, "/o/bench-empty/inbox/", n=REQUESTS)
    if os.environ.get("INBOX_BENCH_EXPLAIN") and connection.vendor == "postgresql":
        for name, url in pages.items():
            _explain(client, name, url)
    queries = {name: t["queries"] for name, t in timed.items()}
    return {
        "items": InboxItem.objects.filter(organization=org).count(),
        "generate_s": round(generate_s, 1),
        "list_p95_ms": timed["list"]["p95_ms"],
        "deep_page_p95_ms": timed["deep_page"]["p95_ms"],
        "filtered_p95_ms": timed["filtered"]["p95_ms"],
        "search_p95_ms": timed["search"]["p95_ms"],
        "empty_inbox_p95_ms": baseline["p95_ms"],
        "queries_per_page": max(queries.values()),
        "queries": queries,
        "ingest_items_per_s": round(_ingest_rate(accounts[0])),
        "requests_each": REQUESTS,
    }
