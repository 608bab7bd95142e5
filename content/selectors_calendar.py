"""Read side of the calendar: the event feed, built in a fixed number of queries.

Five queries whatever the number of posts (posts, targets, labels, first media with
its thumbnail, the member's visible accounts), all as plain values so 2,000 posts in
a month stay well inside the time budget. No model instances per row, no N+1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from content.models import Label, MediaRendition, Post, PostTarget, PostTargetMedia
from content.selectors import posts_visible_to
from content.services.calendar import may_move, resolve_local, wall_clock_iso
from content.workflows import DELIVERY_LABELS, POST, TARGET, PostState, delivery_status
from platforms.registry import account_label, group_label

HIDDEN = (PostState.ARCHIVED,)
EXCERPT = 120


@dataclass
class Filters:
    accounts: list[int] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    authors: list[int] = field(default_factory=list)

    @classmethod
    def from_query(cls, query) -> Filters:
        def ints(name):
            return [int(v) for v in query.getlist(name) if v.isdigit()]

        return cls(accounts=ints("account"), platforms=[p for p in query.getlist("platform") if p],
                   statuses=[s for s in query.getlist("status") if s], labels=ints("label"),
                   authors=ints("author"))

    @property
    def count(self) -> int:
        return sum(bool(v) for v in (self.accounts, self.platforms, self.statuses, self.labels,
                                     self.authors))


def visible_accounts(membership: Membership):
    """Accounts the member may see (admins: all; restricted members: their accounts)."""
    from accounts.selectors import accounts_for_member

    return accounts_for_member(membership)


def _delivery_statuses() -> set[str]:
    return set(DELIVERY_LABELS)


def calendar_posts(membership: Membership, start: dt.datetime, end: dt.datetime,
                   filters: Filters):
    """Posts planned in [start, end) (UTC) that the member may see, filtered."""
    org = membership.organization
    accounts = visible_accounts(membership)
    qs = posts_visible_to(membership, Post.objects.for_org(org)).filter(
        scheduled_at__gte=start, scheduled_at__lt=end).exclude(status__in=HIDDEN)
    target_filter = PostTarget.objects.filter(account__in=accounts)
    if filters.accounts:
        target_filter = target_filter.filter(account_id__in=filters.accounts)
    if filters.platforms:
        target_filter = target_filter.filter(account__provider__in=filters.platforms)
    qs = qs.filter(pk__in=target_filter.values("post_id"))
    workflow = [s for s in filters.statuses if s in POST.names]
    delivery = [s for s in filters.statuses if s in _delivery_statuses()]
    if filters.statuses:
        # A delivery status ("failed") matches posts with such a target; narrowed exactly below.
        wanted = Post.objects.none()
        if workflow:
            wanted = qs.filter(status__in=workflow)
        if delivery:
            target_states = {"failed": ["failed"], "partially_failed": ["failed"],
                             "publishing": ["publishing", "unconfirmed"],
                             "published": ["published"]}
            states = {s for d in delivery for s in target_states[d]}
            wanted = wanted | qs.filter(targets__status__in=states)
        qs = wanted.distinct()
    if filters.labels:
        qs = qs.filter(labels__in=filters.labels).distinct()
    if filters.authors:
        qs = qs.filter(author_id__in=filters.authors)
    return qs


def feed_events(membership: Membership, *, start: dt.datetime, end: dt.datetime,
                filters: Filters, tz_name: str, now: dt.datetime | None = None) -> list[dict]:
    """FullCalendar events for the range; times are wall-clock ISO strings in `tz_name`."""
    now = now or timezone.now()
    org = membership.organization
    chosen = calendar_posts(membership, start, end, filters)
    posts = list(chosen.order_by("scheduled_at", "pk").values(
        "id", "title", "text", "status", "scheduled_at", "author_id", "author__first_name",
        "author__email"))
    # The related rows are fetched by subquery, not by a list of 2,000 ids as parameters.
    ids = chosen.order_by().values("id") if posts else None
    accounts = {a.pk: a for a in visible_accounts(membership)}
    targets: dict[int, list[dict]] = {}
    if ids is not None:
        for t in PostTarget.objects.filter(post_id__in=ids).values(
                "post_id", "account_id", "status", "last_error").order_by("post_id", "account_id"):
            targets.setdefault(t["post_id"], []).append(t)
    labels = _labels(org, ids)
    thumbs = _thumbnails(ids)
    delivery_wanted = {s for s in filters.statuses if s in _delivery_statuses()}
    workflow_wanted = {s for s in filters.statuses if s in POST.names}
    ctx = _Context(membership=membership, org=org, tz_name=tz_name, now=now, accounts=accounts,
                   url=reverse("calendar_preview", kwargs={"org_slug": org.slug, "pk": 0}))
    events = []
    for p in posts:
        ts = targets.get(p["id"], [])
        delivery = delivery_status([t["status"] for t in ts])
        if delivery_wanted and delivery not in delivery_wanted \
                and p["status"] not in workflow_wanted:
            continue
        events.append(_event(p, ts, labels.get(p["id"], []), thumbs.get(p["id"]), delivery, ctx))
    return events


class _Context:
    """What every event of one feed shares, computed once (labels translated once, one
    reverse(), one permission check per status) — 2,000 events stay cheap."""

    def __init__(self, *, membership, org, tz_name, now, accounts, url):
        self.tz_name, self.now, self.accounts = tz_name, now, accounts
        self.url_head, self.url_tail = url.split("/0/", 1)
        self.post_labels = {s: str(label) for s, label in POST.states}
        self.post_labels.update({s: str(label) for s, label in DELIVERY_LABELS.items()})
        self.target_labels = {s: str(label) for s, label in TARGET.states}
        self.movable = {s: may_move(membership, s, org.approval_required) for s in POST.names}

    def url(self, pk: int) -> str:
        return f"{self.url_head}/{pk}/{self.url_tail}"


def _labels(org, ids) -> dict[int, list[dict]]:
    if ids is None:
        return {}
    through = Post.labels.through
    by_id = {lbl["id"]: lbl for lbl in Label.objects.for_org(org).values("id", "name", "colour")}
    out: dict[int, list[dict]] = {}
    for post_id, label_id in through.objects.filter(post_id__in=ids) \
            .values_list("post_id", "label_id"):
        if label_id in by_id:
            out.setdefault(post_id, []).append(by_id[label_id])
    return out


def _thumbnails(ids) -> dict[int, dict]:
    """The first attachment of each post (first target by account, lowest position)."""
    if ids is None:
        return {}
    thumb = MediaRendition.objects.filter(asset=OuterRef("asset_id"), purpose="thumb") \
        .values("file")[:1]
    rows = PostTargetMedia.objects.filter(target__post_id__in=ids).annotate(thumb=Subquery(thumb)) \
        .order_by("target__post_id", "target__account_id", "position", "id") \
        .values("target__post_id", "thumb", "alt_text", "asset__alt_text", "asset__kind")
    out: dict[int, dict] = {}
    for row in rows:
        post_id = row["target__post_id"]
        if post_id in out:
            continue
        out[post_id] = {"url": default_storage.url(row["thumb"]) if row["thumb"] else "",
                        "alt": row["alt_text"] or row["asset__alt_text"] or "",
                        "kind": row["asset__kind"]}
    return out


def _event(p, ts, labels, thumb, delivery, ctx: _Context) -> dict:
    status = p["status"]
    shown = delivery or status  # what the card says: delivery wins once attempted
    overdue = status in (PostState.PENDING, PostState.CHANGES, PostState.APPROVED) \
        and p["scheduled_at"] < ctx.now
    text = (p["title"] or p["text"] or "").strip()
    out = any(t["status"] in ("publishing", "published", "unconfirmed") for t in ts)
    movable = not out and p["scheduled_at"] > ctx.now and ctx.movable[status]
    accounts = ctx.accounts
    return {
        "id": str(p["id"]),
        "title": text[:EXCERPT] + ("…" if len(text) > EXCERPT else ""),
        "start": wall_clock_iso(p["scheduled_at"], ctx.tz_name),
        "allDay": False,
        "editable": movable,
        "classNames": [f"ev-status-{shown}"] + (["ev-overdue"] if overdue else []),
        "url": ctx.url(p["id"]),
        "extendedProps": {
            "status": shown,
            "statusLabel": ctx.post_labels.get(shown, shown),
            "workflow": status,
            "overdue": overdue,
            "author": p["author__first_name"] or p["author__email"] or "",
            "targets": [{
                "account": accounts[t["account_id"]].handle if t["account_id"] in accounts else "",
                "platform": accounts[t["account_id"]].provider if t["account_id"] in accounts
                else "",
                # The network's display name: the icon's accessible name, never a code.
                "platformName": account_label(accounts[t["account_id"]])
                if t["account_id"] in accounts else "",
                "status": t["status"], "statusLabel": ctx.target_labels.get(t["status"], ""),
                "error": t["last_error"][:200]} for t in ts],
            "labels": [{"name": lbl["name"], "colour": lbl["colour"]} for lbl in labels],
            "thumb": thumb or None,
        },
    }


def feed_range(start: str, end: str, tz_name: str) -> tuple[dt.datetime, dt.datetime]:
    """FullCalendar's start/end (wall clock in the display zone) → UTC bounds."""
    from content.services.calendar import parse_wall_clock

    lo, hi = parse_wall_clock(start), parse_wall_clock(end)
    # Range bounds are midnights; a DST gap never falls on midnight in practice, but if it
    # does the shifted instant is still the right bound.
    return (resolve_local(lo, tz_name, shift_gap=True).at,
            resolve_local(hi, tz_name, shift_gap=True).at)


def filter_choices(membership: Membership) -> dict:
    """Options for the filter bar (accounts, platforms, labels, authors)."""
    org = membership.organization
    accounts = list(visible_accounts(membership))
    authors = Membership.objects.filter(organization=org).select_related("user") \
        .order_by("user__first_name", "user__email")
    return {
        "accounts": accounts,
        # Filtering stays by platform key; each option is named as its accounts are.
        "platforms": [(key, group_label(key, accounts))
                      for key in sorted({a.provider for a in accounts})],
        "labels": list(Label.objects.for_org(org)),
        "authors": [m.user for m in authors],
        "statuses": [(s, label) for s, label in POST.states if s not in HIDDEN]
        + [(s, label) for s, label in DELIVERY_LABELS.items()],
    }
