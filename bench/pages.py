"""Every main page as a signed-in member of a realistic organisation, with production settings.

The organisation has the demo's shape (`seed_demo`: members of every role, sandbox accounts,
four months of posts, metrics and inbox work — analytics.demo's own generators) at 10× its
size: 50 members, 40 accounts. Requests go through the whole Django stack in-process (the
test client's WSGI handler) with production settings: DEBUG=false, the production static-files
storage (CompressedManifestStaticFilesStorage after a collectstatic into a temporary
directory), cached template loaders, SSL redirect with the proxy header set as behind a
proxy. The baseline, measured in the same run, is the anonymous login page (same base
template, no queries); every page's p95 is also reported as a ratio to it.

`shell` is an empty page in the signed-in layout: the notifications page of a member with no
notifications. Pages are timed as an editor; settings, members and the audit log (admins
only) as the owner; API list endpoints with a bearer token.
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
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.roles import Role
from bench._util import time_requests
from tests.factories import ConnectedAccountFactory, MembershipFactory, OrganizationFactory

SCALE = int(os.environ.get("PAGES_BENCH_SCALE", "10"))  # × the demo organisation
REQUESTS = int(os.environ.get("PAGES_BENCH_REQUESTS", "60"))
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
        analytics_demo._inbox_history(org, account, users, rng, now)
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
        "shell": ("fresh", f"{base}/notifications/"),
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
        STATIC_ROOT=static_root,
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        },
        SECURE_SSL_REDIRECT=True,
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
        SESSION_COOKIE_SECURE=True,
        CSRF_COOKIE_SECURE=True,
        SECURE_HSTS_SECONDS=31536000,
    )


def _log(message: str) -> None:
    print(f"pages: {message}", file=sys.stderr, flush=True)


def _client(**extra) -> Client:
    return Client(HTTP_X_FORWARDED_PROTO="https", **extra)


def run() -> dict:
    from django.template import engines

    from accounts.models import Membership
    from api.services.tokens import api_token_create

    started = time.monotonic()
    org, users, accounts = _seed()
    _log(f"seeded in {time.monotonic() - started:.1f} s")
    fresh = MembershipFactory(organization=org, role=Role.EDITOR).user
    token = api_token_create(organization=org, actor=users[Role.OWNER], name="bench",
                             role=Role.EDITOR).plain
    assert Membership.objects.filter(organization=org).count() == 5 * SCALE + 1
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

        baseline = time_requests(clients["anonymous"], "/accounts/login/", n=REQUESTS)
        pages = {}
        for name, (who, url) in _urls(org, accounts, users).items():
            result = time_requests(clients[who], url, n=REQUESTS)
            result["ratio_p95"] = round(result["p95_ms"] / baseline["p95_ms"], 2)
            pages[name] = result
            _log(f"{name:22} p50 {result['p50_ms']:7.2f} ms  p95 {result['p95_ms']:7.2f} ms  "
                 f"{result['ratio_p95']:5.2f}x  {result['queries']:3} queries")
        # Once more, last, as a re-measured floor: the machine's noise is in the spread.
        baseline_again = time_requests(clients["anonymous"], "/accounts/login/", n=REQUESTS)
    return {
        "scale": f"{SCALE}x demo: {5 * SCALE} members, {len(accounts)} accounts",
        "settings": "DEBUG=false, CompressedManifestStaticFilesStorage, cached loaders",
        "requests_each": REQUESTS,
        "baseline_login": baseline,
        "baseline_login_again": baseline_again,
        "pages": pages,
        "web_rss_mb": _rss_mb(),
    }
