"""allauth's session activity tracking, throttled.

With USERSESSIONS_TRACK_ACTIVITY allauth writes the session row (SELECT, then UPDATE of
last_seen_at, ip and user agent in a transaction) on every request: a write per page view and
per htmx poll. The sessions page only needs "last seen" to the minute, so a session is written
at most once per USERSESSIONS_ACTIVITY_INTERVAL seconds — at once when its IP address or user
agent changes (allauth signals those changes).
"""

import hashlib

from allauth.usersessions.middleware import UserSessionsMiddleware
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _key(request: HttpRequest, session_key: str) -> str:
    client = "|".join((session_key, request.META.get("REMOTE_ADDR", ""),
                       request.META.get("HTTP_USER_AGENT", "")))
    return "usersessions:seen:" + hashlib.sha256(client.encode()).hexdigest()[:32]


class ThrottledUserSessionsMiddleware(UserSessionsMiddleware):
    def __call__(self, request: HttpRequest):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        session_key = getattr(session, "session_key", None)
        interval = getattr(settings, "USERSESSIONS_ACTIVITY_INTERVAL", 60)
        if (session_key and interval and user is not None and user.is_authenticated
                and not cache.add(_key(request, session_key), 1, interval)):
            # Written within the interval: allauth skips sessions it has tracked already.
            tracked = getattr(request, "_allauth_usersessions_tracked", set())
            tracked.add(session_key)
            request._allauth_usersessions_tracked = tracked
        return super().__call__(request)
