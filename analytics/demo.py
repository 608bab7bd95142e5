"""Demo history for `seed_demo`: four months of posts, metrics and inbox work on the sandbox
accounts, so a newcomer's analytics dashboard shows real charts instead of empty axes.

Idempotent: an organisation that already has demo history is left alone. The numbers are
shaped like the sandbox's own (audiences that grow with a daily wobble, engagement that
rises fast after publishing and levels off), and only the metrics the sandbox reports are
filled in: reach, clicks and saves stay "not available", as they would.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

DAYS = 120
PREFIX = "demo-"
LABELS = [("Autumn blend", "#b45309"), ("Behind the scenes", "#0f766e"),
          ("Hiring", "#7c3aed"), ("Brewing tips", "#2563eb")]
TEXTS = [
    "Our {label} is here: notes of cocoa, cherry and a long, sweet finish. ☕",
    "Five minutes with our head roaster on why we roast lighter in autumn. #{tag}",
    "Pour-over tip: bloom for 45 seconds, then pour in slow circles. More: https://acme.example/brew",
    "We are hiring baristas for our new shop! Apply: https://acme.example/jobs",
    "Thank you for 10 years of Acme Coffee. Coffee is on us this Friday 🎉",
    "From farm to cup: meet the growers behind our {label}.",
    "Cold brew, hot days: our recipe for the perfect batch. #{tag}",
    "New in the shop: the Acme travel grinder. https://acme.example/shop",
]
BUCKETS = (1, 6, 24, 72, 168, 720)
SOURCES = {"impressions": "impressions_count", "likes": "favourites_count",
           "reposts": "reblogs_count", "replies": "replies_count", "quotes": "quotes_count"}
PEAK_HOURS = {8: 1.2, 9: 1.5, 10: 1.3, 12: 1.1, 17: 1.3, 18: 1.6, 19: 1.4, 20: 1.1}
WEEKDAY_FACTOR = {0: 1.0, 1: 1.2, 2: 1.25, 3: 1.15, 4: 0.95, 5: 0.7, 6: 0.65}


def seed(org, users) -> None:
    from accounts.models import ConnectedAccount
    from content.models import PostTarget

    accounts = list(ConnectedAccount.objects.for_org(org).connected().filter(provider="sandbox"))
    if not accounts:
        print("  analytics: no sandbox accounts; no demo history")
        return
    if PostTarget.objects.for_org(org).filter(remote_id__startswith=PREFIX).exists():
        print("  analytics: demo history already there")
        return
    now = timezone.now()
    with transaction.atomic():
        labels = _labels(org)
        for account in accounts:
            rng = random.Random(f"{account.external_id}-analytics")
            _account_history(org, account, rng, now)
            _post_history(org, account, users, labels, rng, now)
            _inbox_history(org, account, users, rng, now)
    print(f"  analytics: {DAYS} days of demo history for {len(accounts)} accounts")


def _labels(org):
    from content.models import Label

    return [Label.objects.get_or_create(organization=org, name=name,
                                        defaults={"colour": colour})[0]
            for name, colour in LABELS]


def _account_history(org, account, rng, now) -> None:
    from analytics.models import AccountMetricSnapshot

    base, growth = rng.randint(800, 5000), rng.uniform(2, 25)
    following, posts = rng.randint(80, 400), rng.randint(200, 1500)
    rows = []
    for day in range(DAYS, 0, -1):
        at = (now - dt.timedelta(days=day)).replace(hour=4, minute=0, second=0, microsecond=0)
        followers = int(base + growth * (DAYS - day) + rng.uniform(-1, 1) * base * 0.004)
        posts += 1
        for metric, value in (("followers", followers), ("following", following),
                              ("posts", posts)):
            rows.append(AccountMetricSnapshot(
                organization=org, account=account, metric=metric, value=value,
                source_field=f"{metric if metric != 'posts' else 'statuses'}_count",
                fetched_at=at, day=at.date()))
    AccountMetricSnapshot.objects.bulk_create(rows)


def _post_history(org, account, users, labels, rng, now) -> None:
    from accounts.roles import Role
    from analytics.models import PostMetricSnapshot, TargetMetrics
    from analytics.services.ingest import engagements_of
    from content.models import Post, PostTarget

    tz = ZoneInfo(org.timezone)
    username = account.handle.lstrip("@")
    snapshots, n = [], 0
    for day in range(DAYS, 0, -1):
        if rng.random() < 0.35:
            continue  # not every account posts every day
        local_day = (now - dt.timedelta(days=day)).astimezone(tz).date()
        hour = rng.choice([8, 9, 9, 10, 11, 12, 14, 16, 17, 18, 18, 19, 20, 21])
        published_at = dt.datetime(local_day.year, local_day.month, local_day.day, hour,
                                   rng.randint(0, 59), tzinfo=tz)
        label = rng.choice(labels)
        text = rng.choice(TEXTS).format(label=label.name.lower(), tag="acmecoffee")
        post = Post.objects.create(organization=org, author=users.get(Role.EDITOR), text=text,
                                   status="scheduled", scheduled_at=published_at,
                                   timezone=org.timezone)
        post.labels.add(label)
        n += 1
        target = PostTarget.objects.create(
            post=post, account=account, status="published", remote_id=f"{PREFIX}{account.pk}-{n}",
            remote_url=f"{settings.SANDBOX_URL.rstrip('/')}/@{username}",
            published_at=published_at)
        factor = PEAK_HOURS.get(hour, 0.8) * WEEKDAY_FACTOR[published_at.weekday()]
        reach = rng.randint(300, 4000) * factor
        like_rate = 0.01 + rng.random() * 0.05
        latest, taken = {}, 0
        for bucket in BUCKETS:
            fetched = published_at + dt.timedelta(hours=bucket, minutes=rng.randint(0, 9))
            if fetched > now:
                break
            curve = 1 - math.exp(-bucket / 6)
            impressions = int(reach * curve)
            latest = {"impressions": impressions, "likes": int(impressions * like_rate),
                      "reposts": int(impressions * like_rate * 0.2),
                      "replies": int(impressions * like_rate * 0.1),
                      "quotes": int(impressions * like_rate * 0.03)}
            snapshots.append(PostMetricSnapshot(
                organization=org, account=account, target=target, age_bucket=bucket,
                fetched_at=fetched, sources=SOURCES, **latest))
            latest_at, taken = fetched, taken + 1
        if latest:
            TargetMetrics.objects.create(
                organization=org, account=account, target=target, post=post,
                provider=account.provider, published_at=published_at, next_bucket=None,
                next_due_at=None, fetched_at=latest_at, snapshots=taken,
                engagements=engagements_of(latest),
                sources={m: {"field": f, "fetched_at": latest_at.isoformat()}
                         for m, f in SOURCES.items()}, **latest)
    PostMetricSnapshot.objects.bulk_create(snapshots, batch_size=1000)


def _inbox_history(org, account, users, rng, now) -> None:
    from accounts.roles import Role
    from inbox.models import InboxItem

    responders = [u for r, u in users.items() if r in (Role.EDITOR, Role.APPROVER, Role.ADMIN)]
    speed = {u.pk: rng.uniform(10, 240) for u in responders}
    items = []
    for day in range(DAYS, 0, -1):
        for i in range(rng.randint(0, 5)):
            created = now - dt.timedelta(days=day, minutes=rng.randint(0, 1439))
            who = rng.choice(responders) if responders and rng.random() < 0.75 else None
            answered = (created + dt.timedelta(minutes=rng.expovariate(1 / speed[who.pk]))
                        if who else None)
            items.append(InboxItem(
                organization=org, account=account, kind=rng.choice(["comment", "mention"]),
                remote_id=f"{PREFIX}inbox-{account.pk}-{day}-{i}",
                author_handle=f"@fan{rng.randint(1, 400)}", author_name="",
                text=rng.choice(["Love this!", "Where can I buy the autumn blend?",
                                 "Is the shop open on Sunday?", "Great tip, thanks!"]),
                created_at=created, status="done" if who else "open",
                done_at=answered, first_response_at=answered, first_responder=who))
    InboxItem.objects.bulk_create(items, ignore_conflicts=True)
