"""What each tool does, as the REST API does it: the API's serializers validate the input
and shape the output, the API's queries read, the domain services change. Each function
takes the caller's principal; `calls.run_call` has already checked its role cap."""

from __future__ import annotations

import dataclasses

from accounts.selectors import accounts_for_member
from analytics.models import POST_METRIC_NAMES
from analytics.selectors.posts import post_rows, rate
from api.queries import (
    analytics_scope,
    analytics_summary,
    filter_posts,
    inbox_items,
    visible_posts,
)
from api.serializers.accounts import ConnectedAccountSerializer
from api.serializers.analytics import SummaryQuerySerializer, SummarySerializer
from api.serializers.inbox import (
    InboxFilterSerializer,
    InboxItemSerializer,
    InboxReplySerializer,
    ReplySerializer,
)
from api.serializers.posts import (
    PostFilterSerializer,
    PostSerializer,
    PostWriteSerializer,
    ScheduleSerializer,
)
from api.services.tokens import Principal
from content.services.posts import post_create
from content.services.validation import problems_for
from content.services.workflow import post_schedule, post_submit
from inbox.models import InboxItem, ItemStatus
from inbox.selectors import item_thread, member_account_scope, scoped_items
from inbox.services import inbox_item_set_status, inbox_reply_create
from platforms.errors import ProviderError
from platforms.registry import get_provider

MAX_LIMIT = 100


def _validated(serializer_class, data: dict):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer


def _valid(serializer_class, data: dict) -> dict:
    return _validated(serializer_class, data).validated_data


def _page(queryset, limit: int, offset: int) -> tuple[list, int | None]:
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    rows = list(queryset[offset:offset + limit + 1])
    return rows[:limit], (offset + limit if len(rows) > limit else None)


def _without_none(data: dict) -> dict:
    return {k: v for k, v in data.items() if v is not None}


# --- accounts ------------------------------------------------------------------------------

def _limits(account) -> dict | None:
    """The network's limits for this account (as the composer counts); None when the
    platform cannot be asked right now."""
    try:
        limits = get_provider(account.provider).limits(account)
    except ProviderError:
        return None
    data = dataclasses.asdict(limits)
    data["media_types"] = list(limits.media_types)
    return data


def list_accounts(p: Principal) -> dict:
    accounts = list(accounts_for_member(p.membership))
    rows = []
    for account in accounts:
        row = dict(ConnectedAccountSerializer(account).data)
        row["limits"] = _limits(account)
        rows.append(row)
    return {"accounts": rows}


# --- posts ---------------------------------------------------------------------------------

def _post(p: Principal, pk: int) -> dict:
    post = visible_posts(p.membership, p.token.organization).get(pk=pk)
    return dict(PostSerializer(post).data)


def list_posts(p: Principal, *, status: str | None, account_id: int | None, limit: int,
               offset: int) -> dict:
    f = _valid(PostFilterSerializer, _without_none({"status": status, "account": account_id}))
    queryset = filter_posts(visible_posts(p.membership, p.token.organization), f)
    rows, next_offset = _page(queryset.order_by("-created_at", "-id"), limit, offset)
    return {"posts": [PostSerializer(post).data for post in rows], "next_offset": next_offset}


def get_post(p: Principal, *, post_id: int) -> dict:
    return _post(p, post_id)


def create_draft(p: Principal, *, text: str, accounts: list[dict], title: str,
                 link_url: str, scheduled_at: str | None, timezone: str,
                 notes: str) -> dict:
    serializer = _validated(PostWriteSerializer, {
        "text": text, "title": title, "link_url": link_url, "notes": notes,
        "timezone": timezone, "scheduled_at": scheduled_at, "targets": accounts})
    post = post_create(organization=p.token.organization, actor=p.membership.user,
                       data=serializer.to_post_data())
    return {**_post(p, post.pk), "problems": _problems(post)}


def _problems(post) -> list[dict]:
    """What would stop submitting or scheduling the draft (the check those run), so an
    agent can fix its text before asking anyone."""
    found = []
    for target in post.targets.select_related("account").prefetch_related("attachments__asset"):
        media = [(m.asset, m.alt_text) for m in target.attachments.all()]
        for problem in problems_for(target.account, target.effective_text, media):
            found.append({"account": target.account_id, "code": problem.code,
                          "message": problem.message, "field": problem.field})
    return found


def submit_post(p: Principal, *, post_id: int) -> dict:
    post = visible_posts(p.membership, p.token.organization).get(pk=post_id)
    post_submit(post=post, actor=p.membership.user)
    return _post(p, post_id)


def schedule_post(p: Principal, *, post_id: int, scheduled_at: str | None,
                  now: bool) -> dict:
    post = visible_posts(p.membership, p.token.organization).get(pk=post_id)
    d = _valid(ScheduleSerializer, {"scheduled_at": scheduled_at, "now": now})
    post_schedule(post=post, actor=p.membership.user, scheduled_at=d["scheduled_at"],
                  now=d["now"])
    return _post(p, post_id)


# --- inbox ---------------------------------------------------------------------------------

def _item(p: Principal, pk: int) -> InboxItem:
    """The item, or not found: another organisation's, hidden, or of an account the member
    may not use."""
    scope = member_account_scope(p.membership)
    return (scoped_items(p.token.organization, scope).visible()
            .select_related("account").get(pk=pk))


def list_inbox(p: Principal, *, status: str, account_id: int | None, kind: str | None,
               sentiment: str | None, q: str | None, limit: int, offset: int) -> dict:
    f = _valid(InboxFilterSerializer, _without_none({
        "status": status, "account": account_id, "kind": kind, "sentiment": sentiment,
        "q": q}))
    queryset = inbox_items(p.token.organization, p.membership, f)
    rows, next_offset = _page(queryset, limit, offset)
    return {"items": [InboxItemSerializer(item).data for item in rows],
            "next_offset": next_offset}


def get_conversation(p: Principal, *, item_id: int) -> dict:
    item = _item(p, item_id)
    thread = item_thread(item)
    scope = member_account_scope(p.membership)

    def rows(items):
        # The thread stays on the item's account; the scope check is belt and braces.
        return [InboxItemSerializer(i).data for i in items
                if scope is None or i.account_id in scope]

    replies = item.replies.order_by("created_at")
    our_post = thread.our_post
    return {
        "item": InboxItemSerializer(item).data,
        "ancestors": rows(thread.ancestors),
        "siblings": rows(thread.siblings),
        "answers": rows(thread.children),
        "our_replies": [InboxReplySerializer(r).data for r in replies],
        "our_post": ({"post": our_post.post_id, "target": our_post.pk}
                     if our_post is not None else None),
    }


def reply_to_item(p: Principal, *, item_id: int, text: str) -> dict:
    item = _item(p, item_id)
    d = _valid(ReplySerializer, {"text": text})
    reply = inbox_reply_create(item=item, membership=p.membership, text=d["text"])
    return dict(InboxReplySerializer(reply).data)


def mark_done(p: Principal, *, item_id: int) -> dict:
    item = _item(p, item_id)
    inbox_item_set_status(item=item, status=ItemStatus.DONE, actor=p.membership.user)
    return dict(InboxItemSerializer(_item(p, item_id)).data)


# --- analytics -----------------------------------------------------------------------------

def _analytics_query(range_: str, start: str | None, end: str | None,
                     account_ids: list[int] | None) -> dict:
    return _valid(SummaryQuerySerializer, _without_none({
        "range": range_, "start": start, "end": end, "account": account_ids or []}))


def analytics_summary_for(p: Principal, *, range_: str, start: str | None,
                          end: str | None, account_ids: list[int] | None) -> dict:
    q = _analytics_query(range_, start, end, account_ids)
    return dict(SummarySerializer(analytics_summary(p.token.organization, p.membership, q)).data)


def top_posts(p: Principal, *, range_: str, start: str | None, end: str | None,
              account_ids: list[int] | None, limit: int, order: str) -> dict:
    q = _analytics_query(range_, start, end, account_ids)
    scope = analytics_scope(p.token.organization, p.membership, q)
    rows = post_rows(scope, limit=max(1, min(limit, 50)), order=order)
    return {
        "period": {"first": scope.period.first.isoformat(),
                   "last": scope.period.last.isoformat(), "timezone": str(scope.tz)},
        "posts": [{
            "post": m.target.post_id, "target": m.target_id, "account": m.account_id,
            "text": m.target.effective_text[:280], "published_at": m.published_at.isoformat(),
            "engagements": m.engagements,
            "engagement_rate": rate(m.engagements, getattr(m, "impressions", None)),
            **{name: getattr(m, name) for name in POST_METRIC_NAMES},
        } for m in rows],
    }
