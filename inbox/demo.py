"""Demo listening for `seed_demo`: saved searches on the sandbox accounts, backfilled.

The sandbox makes up a month of public posts with hashtags and brand names (#coldbrew rising
over the last week). Saved searches start at cursor "0", which walks the results from the
oldest (Mastodon-style `min_id=0`) instead of only the newest page, so the trends view has
weeks to compare straight away. Idempotent: existing searches are left alone.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

logger = logging.getLogger(__name__)

SEARCHES = [("Cold brew", "#coldbrew"), ("Our hashtag", "#acmecoffee"),
            ("Latte art", "#latteart"), ("Brand mentions", "acme coffee")]
MAX_POLLS = 20  # each poll reads up to INBOX_POLL_MAX_PAGES pages


def seed(org, users) -> None:
    from accounts.models import ConnectedAccount
    from accounts.roles import Role
    from inbox.models import InboxCursor, SavedSearch, search_source

    account = (ConnectedAccount.objects.for_org(org).connected()
               .filter(provider="sandbox").order_by("pk").first())
    if account is None or SavedSearch.objects.for_org(org).exists():
        return
    cursors = []
    for name, query in SEARCHES:
        search = SavedSearch.objects.create(organization=org, name=name, query=query,
                                            created_by=users.get(Role.OWNER))
        search.accounts.add(account)
        cursors.append(InboxCursor.objects.create(account=account, cursor="0",
                                                  source=search_source(search.pk)))
    _backfill(cursors)
    print(f"  inbox: {len(SEARCHES)} saved searches listening through {account.handle}")


def _backfill(cursors) -> None:
    """Poll now if the sandbox answers; otherwise the beat does it once `make run` starts."""
    from accounts.demo import _running_sandbox
    from inbox.services import inbox_poll_cursor

    with _running_sandbox() as control:
        if control is None:
            return
        for cursor in cursors:
            for _poll in range(MAX_POLLS):
                result = inbox_poll_cursor(cursor_id=cursor.pk)
                if result.outcome != "ok" or not result.created:
                    break


# --- conversations ---------------------------------------------------------------------------

CONVERSATIONS = 150
SHARES = (("question", 0.45), ("praise", 0.30), ("complaint", 0.25))  # spam: one of each line
OPEN_NEWEST = 38  # the newest conversations are still open; older ones were answered
ASSIGNED_OPEN = 12
DAYS_BACK = 7


def seed_conversations(org, users) -> None:
    """About 150 conversations on the demo accounts, in German and English: questions,
    praise, complaints and a little spam, no sentence twice, spread over the last week.

    They are real mentions on the sandbox (so replies from the inbox reach it), fetched through
    the inbox poll as the beat would; then dated back and worked through as a team would:
    older ones done (with who answered and how fast), some open ones assigned, spam labelled.
    Idempotent: an organisation that already has conversations is left alone.
    """
    import random

    from accounts.demo import _running_sandbox
    from accounts.models import ConnectedAccount
    from inbox.models import InboxItem, ItemKind

    accounts = list(ConnectedAccount.objects.for_org(org).connected()
                    .filter(provider="sandbox").order_by("pk"))
    if not accounts or InboxItem.objects.for_org(org).exclude(kind=ItemKind.LISTENING).exists():
        return
    with _running_sandbox() as control:
        if control is None:
            return
        for account in accounts:  # what the sandbox still holds from an earlier demo stays out
            _skip_to_newest(account)
        lines = _lines(random.Random(f"{org.slug}-conversations"))
        for n, (kind, text) in enumerate(lines):
            account = accounts[n % len(accounts)]
            username, domain, name = _who(kind, n)
            control.inject(str(account.settings.get("account_id") or account.external_id),
                           "mention", text=text, author=f"{username}@{domain}",
                           author_name=name)
        for account in accounts:
            _poll_all(account)
    _work_through(org, users, {text: kind for kind, text in lines})
    print(f"  inbox: {len(lines)} conversations on {len(accounts)} accounts")


def _lines(rng) -> list[tuple[str, str]]:
    from lib.demo_phrases import DE, EN, Phrasebook

    book = Phrasebook(rng.random())
    spam = [("spam", line) for line in EN["spam"] + DE["spam"]]
    lines: list[tuple[str, str]] = []
    wanted = CONVERSATIONS - len(spam)
    while len(lines) < wanted:
        roll, kind = rng.random(), SHARES[-1][0]
        for name, share in SHARES:
            if roll < share:
                kind = name
                break
            roll -= share
        text = book.say(kind, rng.choice(("en", "de")))
        if text:
            lines.append((kind, text))
    for line in spam:
        lines.insert(rng.randrange(len(lines)), line)
    return lines


def _who(kind: str, n: int) -> tuple[str, str, str]:
    from lib.demo_phrases import PEOPLE, SPAMMERS

    if kind == "spam":
        return SPAMMERS[n % len(SPAMMERS)]
    return PEOPLE[(n * 7) % len(PEOPLE)]


def _skip_to_newest(account) -> None:
    from inbox.models import SOURCE_INBOX, InboxCursor
    from platforms.registry import get_provider

    cursor, _created = InboxCursor.objects.get_or_create(account=account, source=SOURCE_INBOX)
    provider, position = get_provider(account.provider), cursor.cursor
    for _page in range(MAX_POLLS * 10):
        page = provider.fetch_inbox(account, position)
        if not page.items or not page.cursor or page.cursor == position:
            break
        position = page.cursor
    InboxCursor.objects.filter(pk=cursor.pk).update(cursor=position)


def _poll_all(account) -> None:
    from inbox.models import SOURCE_INBOX, InboxCursor
    from inbox.services import inbox_poll_cursor

    cursor, _created = InboxCursor.objects.get_or_create(account=account, source=SOURCE_INBOX)
    for _poll in range(MAX_POLLS):
        result = inbox_poll_cursor(cursor_id=cursor.pk)
        if result.outcome != "ok" or not result.created:
            break


def _said_order(item) -> tuple[int, str]:
    """Sandbox ids grow with time: the order in which the conversations were injected."""
    return (int(item.remote_id), "") if item.remote_id.isdigit() else (0, item.remote_id)


def _work_through(org, users, kinds: dict[str, str]) -> None:
    """Date the conversations back over the week and do the team's work on the older ones."""
    import random

    from accounts.roles import Role
    from inbox.models import InboxItem, ItemKind
    from inbox.services.counts import open_count_invalidate

    rng = random.Random(f"{org.slug}-work")
    now = timezone.now()
    team = [users[r] for r in (Role.EDITOR, Role.APPROVER, Role.ADMIN, Role.OWNER) if r in users]
    items = sorted(InboxItem.objects.for_org(org).exclude(kind=ItemKind.LISTENING),
                   key=_said_order)  # as they were said, across the accounts
    ages = sorted((rng.uniform(0.05, DAYS_BACK * 24) for _ in items), reverse=True)
    for index, (item, age_h) in enumerate(zip(items, ages, strict=True)):
        item.created_at = now - dt.timedelta(hours=age_h)
        kind = next((k for text, k in kinds.items() if text in item.text), "")
        newest = index >= len(items) - OPEN_NEWEST
        if kind == "spam":
            item.labels = ["spam"]
            item.status, item.done_at = "done", item.created_at + dt.timedelta(minutes=20)
        elif not newest and team:
            who = rng.choice(team)
            answered = item.created_at + dt.timedelta(minutes=rng.randint(6, 300))
            item.status, item.done_at = "done", min(answered, now)
            item.first_response_at, item.first_responder = min(answered, now), who
            item.assignee = who if rng.random() < 0.5 else None
        elif team and index >= len(items) - ASSIGNED_OPEN * 2 and rng.random() < 0.5:
            item.assignee = rng.choice(team)
        if kind == "complaint":
            item.labels = [*item.labels, "complaint"]
            item.urgent = newest and rng.random() < 0.4
    InboxItem.objects.bulk_update(items, ["created_at", "labels", "status", "done_at",
                                          "first_response_at", "first_responder", "assignee",
                                          "urgent"])
    open_count_invalidate(org.pk)
