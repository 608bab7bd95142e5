"""Month feed of the calendar with 2,000 posts: p95 server time and queries per request."""

import datetime as dt

from django.db import connection
from django.test import Client

from accounts.roles import Role
from bench._util import time_requests
from content.models import Label, Post, PostTarget
from content.workflows import PostState, TargetState
from tests.factories import ConnectedAccountFactory, MembershipFactory, OrganizationFactory

POSTS = 2000
STATUSES = [PostState.SCHEDULED, PostState.SCHEDULED, PostState.DRAFT,
            PostState.PENDING, PostState.APPROVED]


def _seed() -> tuple:
    org = OrganizationFactory(slug="bench-cal", name="Bench calendar",
                              timezone="Europe/Berlin")
    owner = MembershipFactory(organization=org, role=Role.OWNER).user
    accounts = [ConnectedAccountFactory(organization=org, provider=p)
                for p in ("mastodon", "x", "bluesky", "linkedin")]
    labels = [Label.objects.create(organization=org, name=f"Campaign {i}") for i in range(5)]
    posts = Post.objects.bulk_create([
        Post(organization=org, author=owner,
             text=f"Benchmark post {i}: our autumn blend is back, notes of cherry #coffee",
             status=STATUSES[i % len(STATUSES)], timezone=org.timezone,
             scheduled_at=dt.datetime(2030, 3, 1 + i % 31, 6 + i % 14, (i * 7) % 60,
                                      tzinfo=dt.UTC))
        for i in range(POSTS)])
    PostTarget.objects.bulk_create([
        PostTarget(post=p, account=a, status=TargetState.SCHEDULED
                   if p.status == PostState.SCHEDULED else TargetState.PENDING)
        for i, p in enumerate(posts) for a in accounts[: 2 + i % 3]])
    through = Post.labels.through
    through.objects.bulk_create([through(post_id=p.pk, label_id=labels[i % 5].pk)
                                 for i, p in enumerate(posts)])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as autovacuum would after a bulk load
            cursor.execute("ANALYZE")
    return org, owner


def run() -> dict:
    org, owner = _seed()
    client = Client()
    client.force_login(owner)
    # the range FullCalendar asks for in month view (six weeks around March 2030)
    url = (f"/o/{org.slug}/calendar/feed/?start=2030-02-25T00:00:00Z"
           f"&end=2030-04-07T00:00:00Z")
    events = client.get(url).json()
    assert len(events) == POSTS, len(events)
    result = time_requests(client, url, n=40, warmup=3)
    return {"posts": len(events), "month_p95_ms": result["p95_ms"],
            "queries_per_page": result["queries"], "month_p50_ms": result["p50_ms"]}
