"""Every main page as a signed-in member of a realistic organisation, with production settings.

The organisation has the demo's shape (`seed_demo`: members of every role, sandbox accounts,
four months of posts, metrics and inbox work — analytics.demo's own generators) at 10× its
size: 50 members, 40 accounts. Requests go through the whole Django stack in-process (the
test client's WSGI handler) with production settings: DEBUG=false, the production static-files
storage (socialmgr.staticfiles.ManifestStaticStorage after a collectstatic into a temporary
directory), cached template loaders, SSL redirect with the proxy header set as behind a
proxy. The baseline, measured in the same run, is the anonymous login page (same base
template, no queries); every page's p95 is also reported as a ratio to it.

`shell` is an empty page in the signed-in layout (bench/_shell_urls.py, mounted only here);
`notifications` the notifications page of a member with none. Pages are timed as an editor;
settings, members and the audit log (admins only) as the owner; API list endpoints with a
bearer token.

Times are this thread's CPU time (`cpu_p50_ms`/`cpu_p95_ms`, what the ratios are made of): the
machine is shared and wall time carries other people's load. Wall times are reported too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import random
import resource
import sys
import tempfile
import time

from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import (
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.roles import Role
from tests.factories import ConnectedAccountFactory, MembershipFactory, OrganizationFactory

SCALE = int(os.environ.get("PAGES_BENCH_SCALE", "10"))  # × the demo organisation
REQUESTS = int(os.environ.get("PAGES_BENCH_REQUESTS", "100"))
# Comma-separated page names: time only these (the baseline always runs).
ONLY = [n for n in os.environ.get("PAGES_BENCH_ONLY", "").split(",") if n]
# Comma-separated page names to profile (cProfile, after the timing): the 40 costliest
# functions by own and by cumulative time, in bench/results/profile-<page>.txt.
PROFILE = [n for n in os.environ.get("PAGES_BENCH_PROFILE", "").split(",") if n]
SLUG = "bench"


def _seed():
    from analytics import demo as analytics_demo
    from content.models import MediaAsset, Post, PostTarget
    from content.workflows import PostState, TargetState

    org = OrganizationFactory(slug=SLUG, name="Bench Coffee", timezone="Europe/Berlin")
    users = {}
    members = {role: [] for role in Role}
    for i in range(SCALE):
        for role in Role:
            user = MembershipFactory(organization=org, role=role).user
            members[role].append(user)
            if i == 0:
                users[role] = user
    accounts = [ConnectedAccountFactory(organization=org, provider="sandbox",
                                        handle=f"@acme_{i}", display_name=f"Acme {i}")
                for i in range(4 * SCALE)]
    now = timezone.now()
    labels = analytics_demo._labels(org)
    for account in accounts:
        rng = random.Random(f"{account.external_id}-analytics")
        analytics_demo._account_history(org, account, rng, now)
        analytics_demo._post_history(org, account, users, labels, rng, now)
        _inbox_history(org, account, members, rng, now)
    # The planned side: drafts, posts waiting for approval and scheduled ones ahead.
    rng = random.Random("bench-pages")
    statuses = [PostState.DRAFT, PostState.PENDING, PostState.SCHEDULED, PostState.APPROVED]
    planned = Post.objects.bulk_create([
        Post(organization=org, author=rng.choice(members[Role.EDITOR]),
             text=f"Planned post {i}: our autumn blend is back, notes of cherry #coffee",
             status=statuses[i % 4], timezone=org.timezone,
             scheduled_at=now + dt.timedelta(hours=3 + i * 5))
        for i in range(40 * SCALE)])
    PostTarget.objects.bulk_create([
        PostTarget(post=p, account=accounts[(i + k) % len(accounts)],
                   status=TargetState.SCHEDULED if p.status == PostState.SCHEDULED
                   else TargetState.PENDING)
        for i, p in enumerate(planned) for k in range(1 + i % 3)])
    through = Post.labels.through
    through.objects.bulk_create([through(post_id=p.pk, label_id=labels[i % len(labels)].pk)
                                 for i, p in enumerate(planned)])
    MediaAsset.objects.bulk_create([
        MediaAsset(organization=org, file=f"media/bench/{i}.jpg", original_name=f"photo-{i}.jpg",
                   kind="image", content_type="image/jpeg", width=1080, height=1080,
                   size=200_000 + i, alt_text=f"Photo {i}", folder=["", "autumn", "team"][i % 3],
                   sha256=hashlib.sha256(str(i).encode()).hexdigest(),
                   created_by=users[Role.EDITOR])
        for i in range(30 * SCALE)])
    AuditEntry.objects.bulk_create([
        AuditEntry(organization=org, actor=users[Role.OWNER], actor_label=users[Role.OWNER].email,
                   verb=["post.scheduled", "post.approved", "accounts.member.invited"][i % 3],
                   target_type="content.post", target_id=str(planned[i % len(planned)].pk),
                   target_label=f"Planned post {i}", details={})
        for i in range(200 * SCALE)])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as autovacuum would after a bulk load
            cursor.execute("ANALYZE")
    return org, users, accounts


def _inbox_history(org, account, members, rng, now) -> None:
    """Comments and mentions on the account over the demo's weeks, three in four answered."""
    from analytics.demo import DAYS
    from inbox.models import InboxItem

    responders = [u for role in (Role.EDITOR, Role.APPROVER, Role.ADMIN) for u in members[role]]
    speed = {u.pk: rng.uniform(10, 240) for u in responders}
    items = []
    for day in range(DAYS, 0, -1):
        for i in range(rng.randint(0, 5)):
            created = now - dt.timedelta(days=day, minutes=rng.randint(0, 1439))
            who = rng.choice(responders) if rng.random() < 0.75 else None
            answered = (created + dt.timedelta(minutes=rng.expovariate(1 / speed[who.pk]))
                        if who else None)
            items.append(InboxItem(
                organization=org, account=account, kind=rng.choice(["comment", "mention"]),
                remote_id=f"bench-inbox-{account.pk}-{day}-{i}",
                author_handle=f"@fan{rng.randint(1, 400)}", author_name=f"Fan {i}",
                text=rng.choice(["Love this!", "Where can I buy the autumn blend?",
                                 "Is the shop open on Sunday?", "Great tip, thanks!"]),
                created_at=created, status="done" if who else "open",
                done_at=answered, first_response_at=answered, first_responder=who,
                assignee=rng.choice(responders) if not who and rng.random() < 0.3 else None))
    InboxItem.objects.bulk_create(items)


def _urls(org, accounts, users) -> dict[str, tuple[str, str]]:
    """name → (who, url)."""
    from content.models import Post
    from inbox.models import InboxItem

    base = f"/o/{org.slug}"
    post = (Post.objects.filter(organization=org, status="scheduled", targets__status="published")
            .order_by("-scheduled_at").first())
    item = (InboxItem.objects.filter(organization=org).order_by("-created_at").first())
    today = timezone.now().date()
    month_start = today.replace(day=1) - dt.timedelta(days=7)
    week_start = today - dt.timedelta(days=today.weekday())
    month = f"start={month_start.isoformat()}T00:00:00Z&end=" \
            f"{(month_start + dt.timedelta(days=42)).isoformat()}T00:00:00Z"
    week = f"start={week_start.isoformat()}T00:00:00Z&end=" \
           f"{(week_start + dt.timedelta(days=7)).isoformat()}T00:00:00Z"
    return {
        "shell": ("editor", f"{base}/bench-shell/"),
        "notifications": ("fresh", f"{base}/notifications/"),
        "dashboard": ("editor", f"{base}/"),
        "calendar": ("editor", f"{base}/calendar/"),
        "calendar_month_feed": ("editor", f"{base}/calendar/feed/?{month}"),
        "calendar_week_feed": ("editor", f"{base}/calendar/feed/?{week}"),
        "post_detail": ("editor", f"{base}/posts/{post.pk}/"),
        "composer": ("editor", f"{base}/compose/"),
        "media_library": ("editor", f"{base}/media/"),
        "approvals": ("editor", f"{base}/approvals/"),
        "inbox": ("editor", f"{base}/inbox/"),
        "inbox_conversation": ("editor", f"{base}/inbox/{item.pk}/"),
        "analytics": ("editor", f"{base}/analytics/"),
        "reports": ("owner", f"{base}/analytics/settings/"),
        "preferences": ("editor", "/preferences/"),
        "settings": ("owner", f"{base}/settings/"),
        "members": ("owner", f"{base}/settings/members/"),
        "audit_log": ("owner", f"{base}/settings/audit/"),
        "api_posts": ("api", "/api/v1/posts/"),
        "api_accounts": ("api", "/api/v1/accounts/"),
        "api_media": ("api", "/api/v1/media/"),
        "api_inbox_items": ("api", "/api/v1/inbox/items/"),
    }


def _rss_mb() -> float:
    """Resident set size of this (the web) process now, from /proc (peak where unavailable)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _production_settings(static_root: str):
    return override_settings(
        DEBUG=False,
        ROOT_URLCONF="bench._shell_urls",
        STATIC_ROOT=static_root,
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            # The production backend, as socialmgr/settings.py names it outside DEBUG.
            "staticfiles": {"BACKEND": "socialmgr.staticfiles.ManifestStaticStorage"},
        },
        ALLOWED_HOSTS=["testserver"],
        SECURE_SSL_REDIRECT=True,
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
        SESSION_COOKIE_SECURE=True,
        CSRF_COOKIE_SECURE=True,
        SECURE_HSTS_SECONDS=31536000,
    )


def _time_interleaved(targets: dict, *, n: int, warmup: int = 5) -> dict:
    """Each target's CPU and wall time over `n` rounds, one request of every target a round.

    Interleaved rather than page after page, so the baseline and every page see the same
    moments of the shared machine's load, and their ratios compare like with like."""
    import gc
    import statistics

    from bench._util import percentile

    for client, url in targets.values():
        for _ in range(warmup):
            client.get(url)
    queries = {}
    for name, (client, url) in targets.items():
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        queries[name] = len(ctx.captured_queries)
    gc.collect()
    gc.freeze()  # as the production server does once a worker has booted
    cpu = {name: [] for name in targets}
    wall = {name: [] for name in targets}
    for _ in range(n):
        for name, (client, url) in targets.items():
            started, cpu_started = time.perf_counter(), time.thread_time()
            response = client.get(url)
            cpu[name].append((time.thread_time() - cpu_started) * 1000)
            wall[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    return {name: {"cpu_p50_ms": round(statistics.median(cpu[name]), 2),
                   "cpu_p95_ms": round(percentile(cpu[name], 95), 2),
                   "p50_ms": round(statistics.median(wall[name]), 2),
                   "p95_ms": round(percentile(wall[name], 95), 2),
                   "queries": queries[name]}
            for name in targets}


def _profile(name: str, client, url: str, n: int = 20) -> None:
    import cProfile
    import pstats
    from pathlib import Path

    profiler = cProfile.Profile(time.thread_time)  # CPU time, as the timings
    profiler.enable()
    for _ in range(n):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    out.write(f"{name}: {url}, {n} requests\n")
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    for query in queries.captured_queries:
        out.write(f"  SQL {query['sql'][:300]}\n")
    stats.sort_stats("tottime").print_stats(40)
    stats.sort_stats("cumulative").print_stats(60)
    path = Path(__file__).resolve().parent / "results" / f"profile-{name}.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text(out.getvalue())
    _log(f"profile of {name} in {path}")


def _log(message: str) -> None:
    print(f"pages: {message}", file=sys.stderr, flush=True)


def _client(**extra) -> Client:
    return Client(HTTP_X_FORWARDED_PROTO="https", **extra)


def run() -> dict:
    from accounts.models import Membership
    from api.services.tokens import api_token_create

    started = time.monotonic()
    org, users, accounts = _seed()
    _log(f"seeded in {time.monotonic() - started:.1f} s")
    fresh = MembershipFactory(organization=org, role=Role.EDITOR).user
    token = api_token_create(organization=org, actor=users[Role.OWNER], name="bench",
                             role=Role.EDITOR).plain
    assert Membership.objects.filter(organization=org).count() == 5 * SCALE + 1
    # bench/run.py set up the test environment; its instrumented template rendering (for
    # response.context) is not what production runs.
    teardown_test_environment()
    try:
        return _measure(org, users, accounts, fresh, token)
    finally:
        setup_test_environment()


def _measure(org, users, accounts, fresh, token) -> dict:
    from django.template import engines

    with tempfile.TemporaryDirectory(prefix="socialmgr-static-") as static_root, \
            _production_settings(static_root):
        started = time.monotonic()
        call_command("collectstatic", interactive=False, verbosity=0, stdout=io.StringIO())
        _log(f"collectstatic in {time.monotonic() - started:.1f} s")
        django_engine = engines["django"].engine
        assert not django_engine.debug, "templates must run as in production"
        assert any("cached" in type(loader).__module__ for loader in django_engine.template_loaders)
        clients = {"anonymous": _client()}
        for who, user in (("editor", users[Role.EDITOR]), ("owner", users[Role.OWNER]),
                          ("fresh", fresh)):
            clients[who] = _client()
            clients[who].force_login(user)
        clients["api"] = _client(HTTP_AUTHORIZATION=f"Bearer {token}")

        targets = {"baseline": (clients["anonymous"], "/accounts/login/")}
        for name, (who, url) in _urls(org, accounts, users).items():
            if not ONLY or name in ONLY:
                targets[name] = (clients[who], url)
        timed = _time_interleaved(targets, n=REQUESTS)
        baseline = timed.pop("baseline")
        _log(f"{'baseline (login)':22} CPU p50 {baseline['cpu_p50_ms']:7.2f} ms  p95 "
             f"{baseline['cpu_p95_ms']:7.2f} ms  {baseline['queries']:3} queries")
        pages = {}
        for name, result in timed.items():
            result["ratio_p50"] = round(result["cpu_p50_ms"] / baseline["cpu_p50_ms"], 2)
            result["ratio_p95"] = round(result["cpu_p95_ms"] / baseline["cpu_p95_ms"], 2)
            pages[name] = result
            _log(f"{name:22} CPU p50 {result['cpu_p50_ms']:7.2f} ms  p95 "
                 f"{result['cpu_p95_ms']:7.2f} ms  {result['ratio_p50']:5.2f}x / "
                 f"{result['ratio_p95']:5.2f}x  {result['queries']:3} queries  "
                 f"(wall p50 {result['p50_ms']:.1f})")
        for name in PROFILE:
            _profile(name, *targets[name])
    return {
        "scale": f"{SCALE}x demo: {5 * SCALE} members, {len(accounts)} accounts",
        "settings": "DEBUG=false, ManifestStaticStorage (WhiteNoise's, memoised), cached loaders",
        "timing": "CPU time of the request's thread (ratios: p50 and p95 over the baseline's)",
        "requests_each": REQUESTS,
        "baseline_login": baseline,
        "pages": pages,
        "web_rss_mb": _rss_mb(),
    }
