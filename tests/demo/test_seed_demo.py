"""`manage.py seed_demo`: a demo that looks like a working team's week, seeded once, restored by
`--reset` without touching other organisations, with a calm trickle and no hostile strings."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import ConnectedAccount, Organization
from analytics.models import AccountMetricSnapshot, PostMetricSnapshot
from content.models import MediaAsset, Post, PostComment, PostTarget
from inbox.models import InboxItem, ItemKind
from lib import demo_phrases as phrases
from sandbox import activity, chatter
from sandbox.knobs import DEMO_ACTIVITY_MAX, demo_knobs
from tests.factories import ConnectedAccountFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)
HOSTILE = re.compile(r"<|>|onerror|javascript:|alert\(", re.I)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@pytest.fixture
def demo_env(sandbox, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    return sandbox


def _org():
    return Organization.objects.get(slug="demo")


def _counts(org) -> dict:
    now = timezone.now()
    posts = Post.objects.for_org(org)
    conversations = InboxItem.objects.for_org(org).exclude(kind=ItemKind.LISTENING)
    return {
        "accounts": ConnectedAccount.objects.for_org(org).connected().count(),
        "published": PostTarget.objects.for_org(org).filter(status="published").count(),
        "upcoming": posts.filter(status="scheduled", scheduled_at__gt=now).count(),
        "pending": posts.filter(status="pending_approval").count(),
        "changes": posts.filter(status="changes_requested").count(),
        "media": MediaAsset.objects.for_org(org).count(),
        "conversations": conversations.count(),
        "done": conversations.filter(status="done").count(),
        "assigned": conversations.filter(assignee__isnull=False).count(),
        "snapshots": PostMetricSnapshot.objects.filter(organization=org).count(),
        "followers": AccountMetricSnapshot.objects.filter(organization=org,
                                                          metric="followers").count(),
    }


def _sentences(text: str) -> list[str]:
    body = re.sub(r"^(@\w+\s+)+", "", text.strip())
    return [s for s in SENTENCE_END.split(body) if s]


def test_seed_demo_builds_a_working_week_once_and_reset_restores_it(demo_env):
    call_command("seed_demo")
    org = _org()
    first = _counts(org)
    now = timezone.now()

    accounts = list(ConnectedAccount.objects.for_org(org).connected())
    assert first["accounts"] >= 5
    assert {a.settings["shape"]["key"] for a in accounts} >= {
        "mastodon", "bluesky", "x", "linkedin", "instagram", "threads"}
    assert all(a.last_synced_at and a.avatar_url.endswith(".png") for a in accounts)
    limits = {a.settings["shape"]["key"]: a.settings["shape"]["max_characters"]
              for a in accounts}
    assert limits["x"] == 280 and limits["bluesky"] == 300 and limits["linkedin"] == 3000
    threads = next(a for a in accounts if a.settings["shape"]["key"] == "threads")
    assert threads.settings["shape"]["counting"] == "bytes_emoji"

    published = PostTarget.objects.for_org(org).filter(status="published")
    oldest = min(published.values_list("published_at", flat=True))
    assert now - oldest > dt.timedelta(days=25) and first["snapshots"] > 4 * first["published"]
    assert first["followers"] >= 28 * len(accounts)

    upcoming = Post.objects.for_org(org).filter(status="scheduled", scheduled_at__gt=now)
    assert first["upcoming"] >= 15
    assert all(p.scheduled_at < now + dt.timedelta(days=15) for p in upcoming)
    assert len({t.account_id for p in upcoming for t in p.targets.all()}) == len(accounts)

    assert first["pending"] + first["changes"] == 3 and first["changes"] == 1
    changed = Post.objects.for_org(org).get(status="changes_requested")
    assert changed.approvals.filter(decision="changes_requested").exclude(comment="").exists()

    media = MediaAsset.objects.for_org(org)
    assert first["media"] >= 8
    assert all(a.alt_text and a.licence and a.width for a in media)
    assert all(a.own_work == (a.licence == "Own work") for a in media)

    assert 140 <= first["conversations"] <= 170
    assert 0 < first["done"] < first["conversations"] and first["assigned"] > 0
    conversations = InboxItem.objects.for_org(org).exclude(kind=ItemKind.LISTENING)
    german = [i for i in conversations if re.search(r"\b(ihr|ich|euer|eure)\b", i.text, re.I)]
    assert 0.3 < len(german) / first["conversations"] < 0.7
    assert conversations.filter(labels__contains=["spam"]).exists()
    assert len({i.author_handle for i in conversations}) >= 30
    sentences = [s for item in conversations for s in _sentences(item.text)]
    assert len(sentences) == len(set(sentences)), "a sentence is repeated"

    call_command("seed_demo")  # again: nothing doubles
    assert _counts(org) == first

    other = OrganizationFactory(slug="someone-else")
    other_account = ConnectedAccountFactory(organization=other)
    other_post = Post.objects.create(organization=other, text="Someone else's draft")
    Post.objects.for_org(org).filter(status="pending_approval").delete()
    InboxItem.objects.filter(pk__in=list(InboxItem.objects.for_org(org)
                                         .values_list("pk", flat=True)[:10])).delete()
    MediaAsset.objects.for_org(org).update(alt_text="")

    call_command("seed_demo", "--reset")
    assert _counts(_org()) == first
    assert not MediaAsset.objects.for_org(_org()).filter(alt_text="").exists()
    assert Post.objects.filter(pk=other_post.pk).exists()
    assert ConnectedAccount.objects.filter(pk=other_account.pk).exists()


def test_the_demo_holds_no_hostile_strings(demo_env):
    call_command("seed_demo")
    org = _org()
    texts = [*InboxItem.objects.for_org(org).values_list("text", flat=True),
             *InboxItem.objects.for_org(org).values_list("author_name", flat=True),
             *Post.objects.for_org(org).values_list("text", flat=True),
             *PostComment.objects.filter(post__organization=org).values_list("body", flat=True),
             *ConnectedAccount.objects.for_org(org).values_list("display_name", flat=True)]
    assert texts and not [t for t in texts if HOSTILE.search(t)]
    sandbox_words = [name for _u, _d, name in activity.PEOPLE + phrases.SPAMMERS]
    sandbox_words += activity.REPLIES
    for book in phrases.LANGUAGES.values():
        sandbox_words += [line for key, lines in book.items() for line in lines]
    assert not [t for t in sandbox_words if HOSTILE.search(t)]


@pytest.mark.parametrize("per_minute", [0, 1, 2, DEMO_ACTIVITY_MAX, 60])
def test_the_trickle_stays_calm(per_minute):
    """New inbox items (mentions and replies to the five accounts, public posts) stay within
    the configured rate, and never above DEMO_ACTIVITY_MAX a minute."""
    knobs = demo_knobs(per_minute, 5)
    start, hours = 1_800_000_000.0, 6
    end = start + hours * 3600
    items = 0
    for n in range(5):
        for _at, roll in activity.planned_events(7, f"acct{n}", start, end,
                                                 knobs["activity_per_hour"]):
            items += activity.choose_kind(roll, True) in ("reply", "mention")
    items += len(activity.planned_events(7, chatter.CHATTER_ACCOUNT, start, end,
                                         knobs["public_per_hour"]))
    bound = min(per_minute, DEMO_ACTIVITY_MAX)
    assert items / (hours * 60) <= bound * 1.1 + 0.05
    if per_minute == 0:
        assert items == 0
    else:
        assert items > 0
    assert knobs["backfill_hours"] == 0


def test_the_trickle_is_off_in_tests(settings):
    assert settings.DEMO_ACTIVITY_PER_MINUTE == 0


def test_the_morning_after_is_calm_too():
    """A demo sandbox stopped overnight makes up only the last minutes, not the night."""
    from sandbox import Knobs, world
    from sandbox.state import State

    state = State(Knobs(**demo_knobs(DEMO_ACTIVITY_MAX, 5)))
    with state.lock:
        accounts = [world.local_account(state, f"acct{n}") for n in range(5)]
        for account in accounts:
            world.catch_up(state, account["id"])
        chatter.catch_up(state)
        before = (sum(len(state.world["notifications"][a["id"]]) for a in accounts),
                  len(_chatter(state)))
        state.knobs.clock_offset_s = 12 * 3600  # the next morning
        for account in accounts:
            world.catch_up(state, account["id"])
        chatter.catch_up(state)
        after = (sum(len(state.world["notifications"][a["id"]]) for a in accounts),
                 len(_chatter(state)))
    minutes = state.knobs.max_catch_up_s / 60
    notifications, public = after[0] - before[0], after[1] - before[1]
    assert 0 < notifications / 2 + public <= DEMO_ACTIVITY_MAX * minutes * 1.3


def _chatter(state) -> list[dict]:
    """Public posts that are not mentions of an account (those count as notifications)."""
    return [s for s in chatter.public_statuses(state) if "@acct" not in s["text"]]
