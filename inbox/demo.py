"""Demo listening for `seed_demo`: saved searches on the sandbox accounts, backfilled.

The sandbox makes up a month of public posts with hashtags and brand names (#coldbrew rising
over the last week). Saved searches start at cursor "0", which walks the results from the
oldest (Mastodon-style `min_id=0`) instead of only the newest page, so the trends view has
weeks to compare straight away. Idempotent: existing searches are left alone.
"""

from __future__ import annotations

import logging

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
