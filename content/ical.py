"""A private, read-only iCal feed per user: /ical/<token>.ics.

The token is a secret bearer credential (subscribing calendar apps cannot sign in),
so only its SHA-256 is stored; regenerating replaces it, revoking deletes it. The
feed holds the posts of every organisation the user belongs to, limited to the
accounts each membership may see.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from icalendar import Calendar, Event

from accounts.audit import audit_record
from accounts.models import Membership
from content.models import CalendarFeedToken, Post, PostTarget
from content.selectors import posts_visible_to
from content.selectors_calendar import visible_accounts
from content.workflows import POST, PostState

PAST = dt.timedelta(days=90)
FUTURE = dt.timedelta(days=400)
DURATION = dt.timedelta(minutes=15)


def feed_token_create(*, user) -> str:
    """A new secret for the user's feed (the old URL stops working). Returns the token."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeedToken.objects.filter(user=user).delete()
        CalendarFeedToken.objects.create(user=user, token_hash=CalendarFeedToken.hash(token),
                                         hint=token[:6])
        for membership in Membership.objects.filter(user=user).select_related("organization"):
            audit_record(organization=membership.organization, actor=user,
                         verb="content.ical.token_created", target=user)
    return token


def feed_token_revoke(*, user) -> bool:
    with transaction.atomic():
        deleted, _rows = CalendarFeedToken.objects.filter(user=user).delete()
        if deleted:
            for membership in Membership.objects.filter(user=user) \
                    .select_related("organization"):
                audit_record(organization=membership.organization, actor=user,
                             verb="content.ical.token_revoked", target=user)
    return bool(deleted)


def build_calendar(user, *, base_url: str, now: dt.datetime | None = None) -> bytes:
    now = now or timezone.now()
    cal = Calendar()
    cal.add("prodid", "-//socialmgr//calendar feed//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "socialmgr")
    memberships = Membership.objects.filter(user=user).select_related("organization")
    for membership in memberships:
        if not membership.can("post.view"):
            continue
        org = membership.organization
        posts = posts_visible_to(membership, Post.objects.for_org(org)).filter(
            scheduled_at__gte=now - PAST, scheduled_at__lt=now + FUTURE,
            targets__account__in=visible_accounts(membership),
        ).exclude(status__in=[PostState.CANCELLED, PostState.ARCHIVED]).distinct() \
            .order_by("scheduled_at")
        rows = list(posts.values("id", "title", "text", "status", "scheduled_at", "updated_at"))
        handles: dict[int, list[str]] = {}
        for post_id, handle in PostTarget.objects.filter(
                post_id__in=[r["id"] for r in rows]).values_list("post_id", "account__handle"):
            handles.setdefault(post_id, []).append(handle)
        for row in rows:
            cal.add_component(_event(row, org, handles.get(row["id"], []), base_url, now))
    return cal.to_ical()


def _event(row, org, handles: list[str], base_url: str, now) -> Event:
    text = (row["title"] or row["text"] or "").strip().replace("\n", " ")
    status = POST.label(row["status"])
    url = base_url + reverse("post_detail", kwargs={"org_slug": org.slug, "pk": row["id"]})
    event = Event()
    event.add("uid", f"post-{row['id']}@socialmgr")
    event.add("dtstamp", now)
    event.add("last-modified", row["updated_at"])
    event.add("dtstart", row["scheduled_at"])
    event.add("dtend", row["scheduled_at"] + DURATION)
    event.add("summary", f"[{status}] {text[:80]}")
    event.add("description", f"{org.name} · {', '.join(handles)}\n\n{row['text']}\n\n{url}")
    event.add("url", url)
    event.add("status", "CONFIRMED" if row["status"] == PostState.SCHEDULED else "TENTATIVE")
    event.add("categories", [org.name])
    return event


@never_cache
@require_GET
def ical_feed(request, token: str):
    feed = CalendarFeedToken.objects.filter(token_hash=CalendarFeedToken.hash(token)) \
        .select_related("user").first()
    if feed is None or not feed.user.is_active:
        raise Http404
    CalendarFeedToken.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    body = build_calendar(feed.user, base_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="socialmgr.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
