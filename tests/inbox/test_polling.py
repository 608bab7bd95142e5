"""Polling against the real sandbox network over HTTP: cursors, paging, rate limits, backoff."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import AccountStatus
from inbox.models import InboxCursor, InboxItem
from inbox.services import inbox_enqueue_due_polls, inbox_poll_cursor
from inbox.services.polling import LEASE

ROUTE_NOTIFICATIONS = "GET /api/v1/notifications"


@pytest.fixture
def account(connect_sandbox_account, org):
    return connect_sandbox_account(org, "acme_coffee", display_name="Acme Coffee")


def _cursor(account) -> InboxCursor:
    inbox_enqueue_due_polls()  # creates the cursor and (eagerly) polls it once
    return InboxCursor.objects.get(account=account, source="inbox")


@pytest.mark.django_db(transaction=True)
def test_beat_polls_new_mentions_once_and_keeps_the_cursor(sandbox, account):
    sandbox.inject("acme_coffee", "mention", text="@acme_coffee hello!", author="ann@elsewhere")
    sandbox.inject("acme_coffee", "mention", text="@acme_coffee second", author="bob@elsewhere")
    cursor = _cursor(account)
    items = list(InboxItem.objects.filter(account=account).order_by("created_at", "id"))
    assert [i.text for i in items][-2:] == ["@acme_coffee hello!", "@acme_coffee second"] or \
        {"@acme_coffee hello!", "@acme_coffee second"} <= {i.text.strip() for i in items}
    assert cursor.cursor and cursor.backoff == 0 and cursor.next_poll_at > timezone.now()
    # Polling again finds nothing new and duplicates nothing.
    before = InboxItem.objects.count()
    result = inbox_poll_cursor(cursor_id=cursor.pk)
    assert result.created == 0 and InboxItem.objects.count() == before
    # A later mention arrives on the next poll.
    sandbox.inject("acme_coffee", "mention", text="@acme_coffee third", author="cy@elsewhere")
    result = inbox_poll_cursor(cursor_id=cursor.pk)
    assert result.created == 1
    assert InboxItem.objects.filter(text__contains="third").exists()


@pytest.mark.django_db(transaction=True)
def test_a_cursor_is_not_queued_twice_while_leased(sandbox, account):
    cursor = _cursor(account)
    InboxCursor.objects.filter(pk=cursor.pk).update(next_poll_at=None)
    from django.db.models import Q

    from inbox.services.polling import cursor_claim_due

    assert cursor_claim_due(source_filter=Q(source="inbox")) == [(cursor.pk, None)]
    assert cursor_claim_due(source_filter=Q(source="inbox")) == []
    cursor.refresh_from_db()
    assert cursor.leased_until > timezone.now() + LEASE - dt.timedelta(seconds=5)
    assert cursor.next_poll_at is None  # the slot itself is not moved by the lease


@pytest.mark.django_db(transaction=True)
def test_rate_limited_poll_waits_for_retry_after(sandbox, account):
    sandbox.inject("acme_coffee", "mention", text="@acme_coffee hi", author="e@elsewhere")
    cursor = _cursor(account)
    position = cursor.cursor
    sandbox.faults({"route": ROUTE_NOTIFICATIONS, "fault": "rate_limited", "retry_after": 120})
    result = inbox_poll_cursor(cursor_id=cursor.pk)
    cursor.refresh_from_db()
    assert result.outcome == "rate_limited"
    wait = (cursor.next_poll_at - timezone.now()).total_seconds()
    assert 100 <= wait <= 121
    assert position and cursor.cursor == position  # position kept


@pytest.mark.django_db(transaction=True)
def test_errors_back_off_exponentially_and_reset_on_success(sandbox, account):
    cursor = _cursor(account)
    sandbox.faults({"route": ROUTE_NOTIFICATIONS, "fault": "error", "status": 503, "times": 2})
    waits = []
    for _ in range(2):
        assert inbox_poll_cursor(cursor_id=cursor.pk).outcome == "transient"
        cursor.refresh_from_db()
        waits.append((cursor.next_poll_at - timezone.now()).total_seconds())
    assert cursor.backoff == 2
    assert 40 <= waits[0] <= 75 and 90 <= waits[1] <= 150
    assert inbox_poll_cursor(cursor_id=cursor.pk).outcome == "ok"
    cursor.refresh_from_db()
    assert cursor.backoff == 0 and cursor.last_error == ""


@pytest.mark.django_db(transaction=True)
def test_malformed_answer_does_not_stop_the_poller(sandbox, account):
    cursor = _cursor(account)
    sandbox.faults({"route": ROUTE_NOTIFICATIONS, "fault": "malformed"})
    assert inbox_poll_cursor(cursor_id=cursor.pk).outcome == "transient"
    sandbox.inject("acme_coffee", "mention", text="@acme_coffee after", author="d@elsewhere")
    assert inbox_poll_cursor(cursor_id=cursor.pk).created == 1


@pytest.mark.django_db(transaction=True)
def test_expired_token_marks_the_account_and_stops_polling(sandbox, account):
    cursor = _cursor(account)
    sandbox.expire_tokens("acme_coffee", revoke_refresh=True)
    assert inbox_poll_cursor(cursor_id=cursor.pk).outcome == "auth_expired"
    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_RECONNECT
    InboxCursor.objects.filter(pk=cursor.pk).update(next_poll_at=None)
    assert inbox_enqueue_due_polls() == []  # not polled until reconnected


@pytest.mark.django_db(transaction=True)
def test_a_retry_after_holds_every_cursor_of_the_account(sandbox, account):
    """The account's searches draw on the same quota as its inbox: they wait too."""
    cursor = _cursor(account)
    search = InboxCursor.objects.create(account=account, source="search:1",
                                        next_poll_at=timezone.now())
    sandbox.faults({"route": ROUTE_NOTIFICATIONS, "fault": "rate_limited", "retry_after": 300})
    assert inbox_poll_cursor(cursor_id=cursor.pk).outcome == "rate_limited"
    cursor.refresh_from_db()
    search.refresh_from_db()
    assert search.next_poll_at == cursor.next_poll_at
    assert (search.next_poll_at - timezone.now()).total_seconds() > 280
