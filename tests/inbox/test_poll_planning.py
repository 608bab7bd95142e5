"""Polls run at the configured interval, spread across it, on time (deterministic: no clock).

The old plan ("now + interval" after each poll, found by the next beat) polled every two
beats; `test_a_poll_every_interval_with_a_beat_every_interval` is that case.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest
from django.db.models import Q
from django.utils import timezone

from inbox.models import SOURCE_INBOX, InboxCursor
from inbox.services.poll_planning import (
    EPOCH,
    beat_tick,
    grid_point_after,
    next_slot,
    phase_seconds,
)
from inbox.services.polling import cursor_claim_due, plan_next
from tests.factories import ConnectedAccountFactory

MINUTE = dt.timedelta(seconds=60)
T0 = dt.datetime(2026, 12, 7, 12, 0, 0, tzinfo=dt.UTC)


def on_grid(moment: dt.datetime, phase: float, interval: float = 60.0) -> bool:
    offset = ((moment - EPOCH).total_seconds() - phase) % interval
    return min(offset, interval - offset) < 1e-3


def simulate(*, phase: float, beats: int, poll_seconds: float, tick: float = 60.0,
             interval: dt.timedelta = MINUTE) -> list[dt.datetime]:
    """Beat every `tick` s looking one tick (+2 s) ahead, queueing each due poll for its slot;
    a poll takes `poll_seconds`. Returns when the polls started."""
    planned, started, busy_until = None, [], None
    for n in range(beats):
        beat = T0 + dt.timedelta(seconds=n * tick)
        if busy_until is not None and busy_until > beat:
            continue
        horizon = beat + dt.timedelta(seconds=tick + 2)
        if planned is None or planned <= horizon:
            start = max(beat, planned) if planned is not None else beat
            started.append(start)
            end = start + dt.timedelta(seconds=poll_seconds)
            planned, busy_until = next_slot(planned=planned, now=end, interval=interval,
                                            phase=phase), end
    return started


@pytest.mark.parametrize("poll_seconds", [0.2, 5.0, 40.0])
def test_a_poll_every_interval_with_a_beat_every_interval(poll_seconds):
    phase = 17.5
    started = simulate(phase=phase, beats=30, poll_seconds=poll_seconds)
    gaps = [(b - a).total_seconds() for a, b in pairwise(started[1:])]
    assert gaps and set(gaps) == {60.0}  # after the first, exactly the interval
    assert all(on_grid(moment, phase) for moment in started[1:])
    assert len(started) >= 28  # not every second beat


def test_a_short_interval_with_a_faster_beat():
    started = simulate(phase=3.25, beats=60, poll_seconds=0.5, tick=10.0,
                       interval=dt.timedelta(seconds=10))
    gaps = {(b - a).total_seconds() for a, b in pairwise(started[1:])}
    assert gaps == {10.0}


def test_the_first_poll_and_a_late_one_return_to_the_cursors_grid():
    phase = 42.0
    first = next_slot(planned=None, now=T0, interval=MINUTE, phase=phase)
    assert T0 + MINUTE / 2 < first <= T0 + MINUTE * 1.5 and on_grid(first, phase)
    # A worker outage: the slot is long past. No burst of catch-up polls, back on the grid.
    late = next_slot(planned=T0 - dt.timedelta(hours=1), now=T0, interval=MINUTE, phase=phase)
    assert T0 + MINUTE / 2 < late <= T0 + MINUTE * 1.5 and on_grid(late, phase)
    # After a Retry-After (off the grid): at least half an interval later, on the grid again.
    waited = T0 + dt.timedelta(seconds=7)
    after = next_slot(planned=waited, now=waited + dt.timedelta(seconds=1), interval=MINUTE,
                      phase=phase)
    assert after - waited >= MINUTE / 2 and on_grid(after, phase)


def test_accounts_are_spread_across_the_interval_and_keep_their_phase():
    phases = [phase_seconds(account_id, SOURCE_INBOX, 60.0) for account_id in range(1, 601)]
    assert all(0 <= p < 60 for p in phases)
    per_ten_seconds = [sum(1 for p in phases if lo <= p < lo + 10) for lo in range(0, 60, 10)]
    assert min(per_ten_seconds) > 60 and max(per_ten_seconds) < 140  # ~100 each, not 600 at 0
    assert phase_seconds(7, SOURCE_INBOX, 60.0) == phase_seconds(7, SOURCE_INBOX, 60.0)
    assert phase_seconds(7, SOURCE_INBOX, 60.0) != phase_seconds(7, "search:3", 60.0)


def test_grid_points_are_strictly_after():
    point = grid_point_after(T0, interval=60.0, phase=0.0)
    assert point == T0 + MINUTE  # T0 is itself on the grid of phase 0
    assert grid_point_after(point - dt.timedelta(microseconds=1), interval=60.0,
                            phase=0.0) == point


def test_the_beat_ticks_at_least_as_often_as_the_interval(settings):
    assert beat_tick("inbox-polls") <= settings.INBOX_POLL_INTERVAL_SECONDS
    assert beat_tick("inbox-listening") <= settings.INBOX_LISTENING_INTERVAL_SECONDS
    assert beat_tick("no-such-entry", default=42.0) == 42.0


@pytest.mark.django_db
def test_a_cursor_due_before_the_next_beat_is_queued_now_for_its_slot():
    now = timezone.now()
    soon = InboxCursor.objects.create(account=ConnectedAccountFactory(), source=SOURCE_INBOX,
                                      next_poll_at=now + dt.timedelta(seconds=30))
    later = InboxCursor.objects.create(account=ConnectedAccountFactory(), source=SOURCE_INBOX,
                                       next_poll_at=now + dt.timedelta(seconds=90))
    new = InboxCursor.objects.create(account=ConnectedAccountFactory(), source=SOURCE_INBOX)
    claimed = dict(cursor_claim_due(source_filter=Q(source=SOURCE_INBOX), now=now,
                                    lookahead=62))
    assert claimed == {new.pk: None, soon.pk: 30.0}  # the later one waits for its beat
    soon.refresh_from_db()
    assert soon.next_poll_at == now + dt.timedelta(seconds=30)  # the slot is kept
    assert soon.leased_until > soon.next_poll_at
    assert cursor_claim_due(source_filter=Q(source=SOURCE_INBOX), now=now, lookahead=62) == []
    assert later.pk in dict(cursor_claim_due(source_filter=Q(source=SOURCE_INBOX),
                                             now=now + MINUTE, lookahead=62))


@pytest.mark.django_db
def test_after_a_poll_the_next_is_one_interval_after_its_slot():
    account = ConnectedAccountFactory()
    phase = phase_seconds(account.pk, SOURCE_INBOX, 60.0)
    now = timezone.now()
    slot = grid_point_after(now - MINUTE, interval=60.0, phase=phase)  # the slot just past
    cursor = InboxCursor.objects.create(account=account, source=SOURCE_INBOX, next_poll_at=slot)
    assert plan_next(cursor, now, MINUTE) == slot + MINUTE


# --- rate-limit headers on answers that worked ------------------------------------------

@pytest.fixture
def rsps(settings):
    import responses

    settings.SSRF_ALLOW_LOOPBACK = True  # the Mastodon fake is on 127.0.0.1
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def _notifications(rsps, **headers):
    import responses

    from tests.platforms import mastodon_fake

    rsps.add(responses.GET, f"{mastodon_fake.BASE}/api/v1/notifications",
             json=mastodon_fake.fixture("notifications_mentions"), headers=headers)


@pytest.mark.django_db
def test_a_used_up_quota_moves_the_next_poll_to_its_reset_for_every_cursor(rsps):
    from inbox.services.listening import inbox_poll_cursor
    from tests.platforms import mastodon_fake

    reset = timezone.now() + dt.timedelta(minutes=5)
    _notifications(rsps, **{"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
                            "X-RateLimit-Reset": reset.isoformat()})
    account = mastodon_fake.make_account()
    cursor = InboxCursor.objects.create(account=account, source=SOURCE_INBOX)
    search = InboxCursor.objects.create(account=account, source="search:9",
                                        next_poll_at=timezone.now())
    result = inbox_poll_cursor(cursor_id=cursor.pk)
    assert result.outcome == "ok" and result.created == 2  # the answer itself is used
    assert len(rsps.calls) == 1  # no further page into the exhausted quota
    cursor.refresh_from_db()
    search.refresh_from_db()
    assert abs((cursor.next_poll_at - reset).total_seconds()) < 2
    assert search.next_poll_at == cursor.next_poll_at


@pytest.mark.django_db
def test_a_quota_with_room_left_keeps_the_interval(rsps):
    from inbox.services.listening import inbox_poll_cursor
    from tests.platforms import mastodon_fake

    _notifications(rsps, **{"X-RateLimit-Remaining": "250",
                            "X-RateLimit-Reset": (timezone.now() + MINUTE * 5).isoformat()})
    account = mastodon_fake.make_account()
    cursor = InboxCursor.objects.create(account=account, source=SOURCE_INBOX)
    inbox_poll_cursor(cursor_id=cursor.pk)
    cursor.refresh_from_db()
    assert cursor.next_poll_at - timezone.now() <= MINUTE * 1.5
