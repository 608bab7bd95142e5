"""Read-side queries of the inbox. Every one starts from the organisation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from inbox.models import InboxItem, InboxSettings, ItemStatus
from inbox.search import apply_search

PAGE_SIZE = 50
SNOOZED = "snoozed"  # a list of its own: open items snoozed until later


@dataclass
class ItemFilters:
    account: int | None = None
    platform: str = ""
    kind: str = ""
    status: str = ItemStatus.OPEN  # "open" (not snoozed) | "snoozed" | "done" | "" (all)
    assignee: str = ""  # "" | "me" | "none" | "<user id>"
    urgent: bool = False
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""
    sentiment: str = ""  # "" | "negative" | "neutral" | "positive" | "none" (not scored)
    sort: str = ""  # "" newest first | "negative" most negative first | "positive"
    user_id: int | None = None  # whose "me"
    # The accounts the member may use (None: every account; see member_account_scope).
    account_ids: frozenset[int] | None = None
    extra: dict = field(default_factory=dict)


def member_account_scope(membership) -> frozenset[int] | None:
    """The account ids a member's inbox is limited to, or None for no limit.

    Admins and owners, and members without account-access rows, see every account's items
    (also those of accounts disconnected since). A member restricted to some accounts sees
    only the items of those (`accounts.selectors.accounts_for_member`). Kept on the membership
    object so one request asks once.
    """
    cached = getattr(membership, "_inbox_account_scope", False)
    if cached is not False:
        return cached
    from accounts.selectors import accounts_for_member, member_is_restricted

    scope = None
    if member_is_restricted(membership):
        scope = frozenset(accounts_for_member(membership).values_list("pk", flat=True))
    membership._inbox_account_scope = scope
    return scope


def scoped_items(organization, account_ids: frozenset[int] | None) -> QuerySet[InboxItem]:
    qs = InboxItem.objects.for_org(organization)
    return qs if account_ids is None else qs.filter(account_id__in=account_ids)


def filtered_items(organization, f: ItemFilters) -> QuerySet[InboxItem]:
    qs = scoped_items(organization, f.account_ids).visible()
    if f.status == ItemStatus.OPEN:
        qs = qs.awake(timezone.now())
    elif f.status == SNOOZED:
        qs = qs.snoozed(timezone.now())
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.account:
        qs = qs.filter(account_id=f.account)
    if f.platform:
        qs = qs.filter(account__provider=f.platform)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.assignee == "me":
        qs = qs.filter(assignee_id=f.user_id)
    elif f.assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif f.assignee.isdigit():
        qs = qs.filter(assignee_id=int(f.assignee))
    if f.urgent:
        qs = qs.filter(urgent=True)
    if f.sentiment == "none":
        qs = qs.filter(sentiment="")
    elif f.sentiment:
        qs = qs.filter(sentiment=f.sentiment)
    if f.date_from:
        qs = qs.filter(created_at__date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(created_at__date__lte=f.date_to)
    return apply_search(qs, f.q)


SORTS = ("", "negative", "positive")


def encode_cursor(item: InboxItem, sort: str = "") -> str:
    position = f"{item.created_at.isoformat()}_{item.pk}"
    if not sort:
        return position
    score = "n" if item.sentiment_score is None else repr(item.sentiment_score)
    return f"{score}|{position}"


def decode_cursor(value: str) -> tuple[dt.datetime, int] | None:
    try:
        stamp, pk = value.rsplit("_", 1)
        when = dt.datetime.fromisoformat(stamp)
        return (when, int(pk)) if when.tzinfo else None
    except (ValueError, TypeError):
        return None


def _decode_sentiment_cursor(value: str):
    """(score or None, created_at, id) of a sentiment-sorted page's last row, or None."""
    score, sep, rest = value.partition("|")
    position = decode_cursor(rest) if sep else None
    if position is None:
        return None
    try:
        return (None if score == "n" else float(score), *position)
    except ValueError:
        return None


def _after_sentiment(qs: QuerySet, sort: str, after: str) -> QuerySet:
    """Rows after the cursor in (score, -created_at, -id) order — ascending score for
    "negative", descending for "positive" — with unscored items last either way."""
    position = _decode_sentiment_cursor(after) if after else None
    if position is None:
        return qs
    score, when, pk = position
    later = Q(created_at__lt=when) | Q(created_at=when, id__lt=pk)
    if score is None:
        return qs.filter(Q(sentiment_score__isnull=True) & later)
    beyond = Q(sentiment_score__gt=score) if sort == "negative" else Q(
        sentiment_score__lt=score)
    return qs.filter(beyond | (Q(sentiment_score=score) & later)
                     | Q(sentiment_score__isnull=True))


@dataclass
class ItemPage:
    items: list[InboxItem]
    next_cursor: str = ""


def item_page(organization, f: ItemFilters, *, after: str = "",
              limit: int = PAGE_SIZE) -> ItemPage:
    """Newest first, keyset-paginated on (created_at, id): page N costs what page 1 costs.
    Sorted by sentiment (`f.sort`), keyset-paginated on (score, created_at, id)."""
    qs = filtered_items(organization, f)
    if f.sort in ("negative", "positive"):
        score = F("sentiment_score")
        order = score.asc(nulls_last=True) if f.sort == "negative" else score.desc(
            nulls_last=True)
        items = list(_after_sentiment(qs, f.sort, after).select_related("account", "assignee")
                     .order_by(order, "-created_at", "-id")[:limit + 1])
        more = len(items) > limit
        items = items[:limit]
        return ItemPage(items=items,
                        next_cursor=encode_cursor(items[-1], f.sort) if more else "")
    position = decode_cursor(after) if after else None
    if position:
        when, pk = position
        # The redundant `created_at <= when` is what PostgreSQL can use as an index bound;
        # the OR alone is only a filter, which scans every row above the position.
        qs = qs.filter(Q(created_at__lt=when) | Q(created_at=when, id__lt=pk),
                       created_at__lte=when)
    items = list(qs.select_related("account", "assignee").order_by("-created_at", "-id")
                 [:limit + 1])
    more = len(items) > limit
    items = items[:limit]
    return ItemPage(items=items, next_cursor=encode_cursor(items[-1]) if more else "")


def next_in_list(organization, f: ItemFilters, item: InboxItem) -> InboxItem | None:
    """The conversation to open after `item` leaves (done, snoozed) or is handed on
    (assigned): the one below it in the list as filtered, else the top of the list."""
    below = item_page(organization, f, after=encode_cursor(item, f.sort), limit=1).items
    if below and below[0].pk != item.pk:
        return below[0]
    top = item_page(organization, f, limit=2).items
    return next((i for i in top if i.pk != item.pk), None)


def items_since(organization, f: ItemFilters, since_id: int, limit: int = PAGE_SIZE):
    """Items that arrived (were stored) after `since_id`, for the live list."""
    return list(filtered_items(organization, f).filter(pk__gt=since_id)
                .select_related("account", "assignee").order_by("-created_at", "-id")[:limit])


def item_for_org(organization, pk: int, *, membership=None) -> InboxItem:
    """The item, or 404 when it belongs to another organisation or to an account the
    member may not use."""
    from django.shortcuts import get_object_or_404

    scope = member_account_scope(membership) if membership is not None else None
    return get_object_or_404(
        scoped_items(organization, scope).select_related("account", "assignee",
                                                         "first_responder"), pk=pk)


@dataclass
class Thread:
    ancestors: list[InboxItem]
    siblings: list[InboxItem]
    children: list[InboxItem]
    our_post: object | None = None


MAX_ANCESTORS = 10


def item_thread(item: InboxItem) -> Thread:
    """The conversation around `item`: its parent chain, its siblings and its answers."""
    ancestors: list[InboxItem] = []
    parent_id = item.parent_id
    while parent_id and len(ancestors) < MAX_ANCESTORS:
        parent = InboxItem.objects.filter(pk=parent_id).select_related("account").first()
        if parent is None:
            break
        ancestors.insert(0, parent)
        parent_id = parent.parent_id
    same_level = InboxItem.objects.filter(account_id=item.account_id).select_related("account")
    siblings = (list(same_level.filter(parent_remote_id=item.parent_remote_id)
                     .exclude(pk=item.pk).order_by("created_at")[:20])
                if item.parent_remote_id else [])
    children = list(same_level.filter(parent=item).order_by("created_at")[:50])
    return Thread(ancestors=ancestors, siblings=siblings, children=children,
                  our_post=_our_post(item))


def _our_post(item: InboxItem):
    """The post target of ours this conversation hangs off, when content holds one."""
    from django.apps import apps

    root = item.thread_root_remote_id or item.parent_remote_id
    if not root:
        return None
    try:
        target_model = apps.get_model("content", "PostTarget")
    except LookupError:
        return None
    if not any(f.name == "remote_id" for f in target_model._meta.fields):
        return None
    return target_model.objects.filter(account_id=item.account_id, remote_id=root).first()


def inbox_settings_for(organization) -> InboxSettings:
    found = InboxSettings.objects.filter(organization=organization).first()
    return found or InboxSettings(organization=organization)


def assignable_members(organization):
    from accounts.models import User

    return User.objects.filter(memberships__organization=organization).order_by(
        "first_name", "email")


def alerts_for_member(membership, *, days: int = 30):
    """Spike alerts on the accounts the member's inbox shows: open ones first, then those
    acknowledged in the last `days` days."""
    from inbox.models import Alert

    qs = (Alert.objects.for_org(membership.organization)
          .filter(Q(acknowledged_at__isnull=True)
                  | Q(raised_at__gte=timezone.now() - dt.timedelta(days=days)))
          .select_related("account", "acknowledged_by"))
    scope = member_account_scope(membership)
    if scope is not None:
        qs = qs.filter(account_id__in=scope)
    return qs.order_by(F("acknowledged_at").asc(nulls_first=True), "-raised_at")


def open_alert_count(membership) -> int:
    return alerts_for_member(membership).filter(acknowledged_at__isnull=True).count()
