"""Session activity ("last seen") is written at most once per interval, not on every request."""

import uuid

import pytest
from allauth.usersessions.models import UserSession
from django.db import connection
from django.test.utils import CaptureQueriesContext


def _session_writes(client, path: str, **headers) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path, headers=headers).status_code < 400
    return sum(1 for q in ctx.captured_queries
               if q["sql"].startswith(('UPDATE "usersessions_usersession"',
                                       'INSERT INTO "usersessions_usersession"')))


@pytest.fixture
def signed_in(client, owner):
    # A real session key (force_login), and a unique user agent so no other test's cache
    # entry can look like this session's.
    client.force_login(owner)
    client.agent = uuid.uuid4().hex
    return client


def test_activity_is_written_once_per_interval(signed_in, owner, settings):
    settings.USERSESSIONS_ACTIVITY_INTERVAL = 60
    assert _session_writes(signed_in, "/", **{"user-agent": f"t-{signed_in.agent}"}) == 1
    session = UserSession.objects.get(user=owner)
    assert _session_writes(signed_in, "/", **{"user-agent": f"t-{signed_in.agent}"}) == 0
    assert UserSession.objects.get(pk=session.pk).last_seen_at == session.last_seen_at


def test_a_changed_user_agent_is_written_at_once(signed_in, owner, settings):
    settings.USERSESSIONS_ACTIVITY_INTERVAL = 60
    _session_writes(signed_in, "/", **{"user-agent": f"a-{signed_in.agent}"})
    assert _session_writes(signed_in, "/", **{"user-agent": f"b-{signed_in.agent}"}) == 1
    assert UserSession.objects.get(user=owner).user_agent == f"b-{signed_in.agent}"


def test_no_interval_writes_every_request(signed_in, settings):
    settings.USERSESSIONS_ACTIVITY_INTERVAL = 0
    for _ in range(2):
        assert _session_writes(signed_in, "/", **{"user-agent": f"c-{signed_in.agent}"}) == 1
