"""The content calendar: page, JSON feed, drag-to-reschedule, post preview, iCal settings."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.services.errors import ServiceError
from accounts.tenancy import org_view
from content.models import CalendarFeedToken, Post
from content.selectors import posts_visible_to, posts_with_targets, with_delivery
from content.selectors_calendar import (
    Filters,
    feed_events,
    feed_range,
    filter_choices,
)
from content.services.access import can_approve_now
from content.services.calendar import (
    display_zone,
    may_move,
    parse_wall_clock,
    post_reschedule,
    resolve_local,
    to_wall_clock,
    wall_clock_iso,
    zone,
)
from content.workflows import Action, PostState


def _zone(request) -> str:
    return display_zone(request.user, request.organization)


@org_view("post.view")
def calendar(request):
    membership = request.membership
    filters = Filters.from_query(request.GET)
    tz_name = _zone(request)
    slug = request.organization.slug
    return render(request, "content/calendar.html", {
        "tz_name": tz_name,
        "now_local": wall_clock_iso(timezone.now(), tz_name),
        "filters": filters,
        "choices": filter_choices(membership),
        "feed_url": reverse("calendar_feed", kwargs={"org_slug": slug}),
        "reschedule_url": reverse("calendar_reschedule", kwargs={"org_slug": slug, "pk": 0}),
        "compose_url": reverse("compose", kwargs={"org_slug": slug}),
        "can_compose": membership.can("post.edit"),
        "has_posts": Post.objects.for_org(request.organization).exclude(
            status=PostState.ARCHIVED).exists(),
    })


def _bad(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)


@org_view("post.view")
@require_GET
def calendar_feed(request):
    tz_name = _zone(request)
    try:
        start, end = feed_range(request.GET.get("start", ""), request.GET.get("end", ""), tz_name)
    except ServiceError as exc:
        return _bad(exc.message)
    if end <= start or (end - start).days > 62:
        return _bad(_("Choose a range of at most two months."))
    events = feed_events(request.membership, start=start, end=end,
                         filters=Filters.from_query(request.GET), tz_name=tz_name)
    return JsonResponse(events, safe=False)


def _visible_post(request, pk: int) -> Post:
    """A post of this organisation on an account the member may see; else 404."""
    qs = Post.objects.for_org(request.organization).select_related("organization")
    return get_object_or_404(posts_visible_to(request.membership, qs), pk=pk)


@require_POST
@org_view("post.edit")
def calendar_reschedule(request, pk: int):
    """POST start=<wall clock> tz=<zone>: move the post. JSON answer for calendar.js."""
    post = _visible_post(request, pk)
    tz_name = request.POST.get("tz") or _zone(request)
    previous = wall_clock_iso(post.scheduled_at, tz_name) if post.scheduled_at else None
    try:
        local = parse_wall_clock(request.POST.get("start", ""))
        resolved = resolve_local(local, tz_name)
        moved = post_reschedule(post=post, actor=request.user, scheduled_at=resolved.at)
    except ServiceError as exc:
        status = 403 if exc.code == "forbidden" else 409 if exc.code == "conflict" else 400
        return _bad(exc.message, status)
    return JsonResponse({
        "ok": True, "id": str(moved.pk), "start": wall_clock_iso(moved.scheduled_at, tz_name),
        "previous": previous, "note": resolved.note,
        "message": _("Moved to %(when)s.") % {"when": formats.date_format(
            to_wall_clock(moved.scheduled_at, tz_name), "SHORT_DATETIME_FORMAT")},
    })


@org_view("post.view")
@require_GET
def calendar_preview(request, pk: int):
    visible = _visible_post(request, pk)
    post = with_delivery(posts_with_targets(request.organization).filter(pk=visible.pk))[0]
    tz_name = _zone(request)
    membership = request.membership
    return render(request, "content/calendar_preview.html", {
        "post": post, "targets": list(post.targets.all()), "tz_name": tz_name,
        "local": timezone.localtime(post.scheduled_at, zone(tz_name))
        if post.scheduled_at else None,
        "can_edit": membership.can("post.edit") and Action.EDIT in post.actions,
        "can_decide": can_approve_now(membership, post),
        "movable": may_move(membership, post.status, request.organization.approval_required),
        "calendar_url": reverse("calendar", kwargs={"org_slug": request.organization.slug}),
    })


@org_view("post.view")
def calendar_ical(request):
    """The user's private iCal feed: create, regenerate or revoke. The secret is shown once."""
    from content.ical import feed_token_create, feed_token_revoke

    token_url = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            feed_token_revoke(user=request.user)
        else:
            token = feed_token_create(user=request.user)
            token_url = request.build_absolute_uri(reverse("ical_feed", kwargs={"token": token}))
    existing = CalendarFeedToken.objects.filter(user=request.user).first()
    return render(request, "content/calendar_ical.html", {
        "existing": existing, "token_url": token_url,
        "revoked": request.method == "POST" and request.POST.get("action") == "revoke",
    })
