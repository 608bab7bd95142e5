"""Demo history for `seed_demo`: eight weeks of published posts, metric snapshots and follower
series on the sandbox accounts, so a newcomer's analytics dashboard shows real charts instead
of empty axes. (The conversations are `inbox.demo`'s.)

Idempotent: an organisation that already has demo history is left alone. The numbers are
shaped like the sandbox's own (audiences that grow with a daily wobble, engagement that
rises fast after publishing and levels off), and each account gets the metrics of the
network it is shaped like (sandbox/shapes.py): an Instagram-like account reports reach and
saves, an X-like one clicks and quotes; the others stay "not available", as they would.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

DAYS = 56  # eight weeks: the four weeks shown by default and the four they are compared with
PREFIX = "demo-"
LABELS = [("Autumn blend", "#b45309"), ("Behind the scenes", "#0f766e"),
          ("Hiring", "#7c3aed"), ("Brewing tips", "#2563eb")]
TEXTS = [
    "Our {label} is here: notes of cocoa, cherry and a long, sweet finish. ☕",
    "Saturday cupping at the Kreuzberg shop: six coffees, one favourite. Who joins us?",
    "Meet Jana, who has roasted with us for seven years and still tastes every batch.",
    "Our Guji lot landed this week. Floral, bright and gone fast last year. #{tag}",
    "Three mistakes that make espresso bitter, and how to fix each one.",
    "We switched every shop to oat milk by default. Here is why.",
    "Open roastery day on Sunday: tours at 11, 13 and 15 o'clock. Free entry.",
    "Five minutes with our head roaster on why we roast lighter in autumn. #{tag}",
    "Pour-over tip: bloom for 45 seconds, then pour in slow circles. More: https://acme.example/brew",
    "We are hiring baristas for our new shop! Apply: https://acme.example/jobs",
    "Thank you for 10 years of Acme Coffee. Coffee is on us this Friday 🎉",
    "From farm to cup: meet the growers behind our {label}.",
    "Cold brew, hot days: our recipe for the perfect batch. #{tag}",
    "New in the shop: the Acme travel grinder. https://acme.example/shop",
]
BUCKETS = (1, 6, 24, 72, 168, 720)
BASE_SOURCES = {"likes": "favourites_count", "reposts": "reblogs_count",
                "replies": "replies_count"}
EXTRA_SOURCES = {"impressions": "impressions_count", "quotes": "quotes_count",
                 "reach": "reach_count", "clicks": "clicks_count", "saves": "saves_count"}
SHARE = {"likes": 1.0, "reposts": 0.2, "replies": 0.1, "quotes": 0.03, "clicks": 0.6,
         "saves": 0.15}


DEFAULT_EXTRA = ("impressions", "quotes")  # what a plain (Mastodon-like) sandbox account reports


def sources_of(account) -> dict[str, str]:
    """The metrics the account's network shape reports (the sandbox says which when the
    account is connected), and the field each comes from."""
    shape = (account.settings or {}).get("shape") or {}
    extra = shape.get("metrics") or DEFAULT_EXTRA
    return {**BASE_SOURCES, **{m: EXTRA_SOURCES[m] for m in extra if m in EXTRA_SOURCES}}
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
        _links_on(org)
    print(f"  analytics: {DAYS} days of demo history for {len(accounts)} accounts")


def _links_on(org) -> None:
    """The demo organisation tracks its links with UTM parameters and own short links."""
    from analytics.models import AnalyticsSettings

    AnalyticsSettings.objects.update_or_create(
        organization=org, defaults={"utm_enabled": True, "shorten_links": True})


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
    sources = sources_of(account)
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
            values = {"impressions": impressions, "reach": int(impressions * 0.7)}
            values.update({m: int(impressions * like_rate * share)
                           for m, share in SHARE.items()})
            latest = {m: values[m] for m in sources}
            snapshots.append(PostMetricSnapshot(
                organization=org, account=account, target=target, age_bucket=bucket,
                fetched_at=fetched, sources=sources, **latest))
            latest_at, taken = fetched, taken + 1
        if latest:
            TargetMetrics.objects.create(
                organization=org, account=account, target=target, post=post,
                provider=account.provider, published_at=published_at, next_bucket=None,
                next_due_at=None, fetched_at=latest_at, snapshots=taken,
                engagements=engagements_of(latest),
                sources={m: {"field": f, "fetched_at": latest_at.isoformat()}
                         for m, f in sources.items()}, **latest)
            _short_link_history(target, published_at, reach, rng, now)
    PostMetricSnapshot.objects.bulk_create(snapshots, batch_size=1000)


def _short_link_history(target, published_at, reach, rng, now) -> None:
    """The links of a demo post as short links with clicks over the days after publishing
    (about 0.5–2.5 % of its reach, most on the first day), as if shortening had been on."""
    from analytics.models import ShortLink, ShortLinkDay
    from analytics.services.links import new_code
    from analytics.utm import URL_RE, add_utm

    urls = [m.group(0).rstrip(".,;:!?)") for m in URL_RE.finditer(target.post.text)]
    if not urls:
        return
    post = target.post
    url = add_utm(urls[0], source=target.account.provider,
                  campaign=min((label.name for label in post.labels.all()), default=""))
    total = int(reach * rng.uniform(0.005, 0.025))
    link = ShortLink.objects.create(organization_id=post.organization_id, code=new_code(),
                                    url=url, target=target, post=post,
                                    account_id=target.account_id,
                                    provider=target.account.provider, clicks=0)
    days, left, day = [], total, published_at.date()
    while left > 0 and dt.datetime.combine(day, dt.time(), published_at.tzinfo) <= now:
        clicks = max(1, int(left * 0.6))
        days.append(ShortLinkDay(link=link, organization_id=post.organization_id, day=day,
                                 clicks=min(clicks, left)))
        left -= clicks
        day += dt.timedelta(days=1)
    ShortLinkDay.objects.bulk_create(days)
    link.clicks = sum(d.clicks for d in days)
    link.save(update_fields=["clicks"])
