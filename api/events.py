"""Payloads of the webhook events, built from the objects the services just changed.

`api.receivers` calls these `*_event` helpers when the domain announces a change
(content.signals, inbox.signals); each builds the payload and `emit()`s it on commit.
"""

from __future__ import annotations

from api.models import WebhookEndpoint
from api.webhooks import emit


def _post(post) -> dict:
    version = post.version if isinstance(post.version, int) else None  # F() mid-update
    return {"id": post.pk, "title": post.title, "text": post.text, "status": post.status,
            "scheduled_at": post.scheduled_at, "version": version}


def approval_requested_event(post, *, actor=None) -> None:
    emit(post.organization_id, "approval.requested",
         {"post": _post(post), "requested_by": getattr(actor, "pk", None)})


def target_settled_event(target) -> None:
    """post.published / post.failed for one target (one account) of a post."""
    event = {"published": "post.published", "failed": "post.failed"}.get(target.status)
    if event is None:
        return
    post = target.post
    emit(post.organization_id, event, {
        "post": _post(post),
        "target": {"id": target.pk, "account": target.account_id, "status": target.status,
                   "remote_id": target.remote_id, "remote_url": target.remote_url,
                   "published_at": target.published_at, "attempts": target.attempts,
                   "error": target.last_error},
    })


def target_deleted_event(target) -> None:
    """post.deleted for one target (one account) whose post was deleted on the platform."""
    post = target.post
    emit(post.organization_id, "post.deleted", {
        "post": _post(post),
        "target": {"id": target.pk, "account": target.account_id, "status": target.status,
                   "remote_id": target.remote_id, "remote_url": target.remote_url,
                   "published_at": target.published_at},
    })


def organizations_listening(organization_ids: set[int], event: str) -> set[int]:
    """Those of the organisations with an active endpoint that wants `event` (one query)."""
    if not organization_ids:
        return set()
    return {org for org, events in WebhookEndpoint.objects.filter(
        organization_id__in=organization_ids, is_active=True).values_list(
            "organization_id", "events") if event in (events or [])}


def has_subscribers(organization_id: int, event: str) -> bool:
    """Whether an active endpoint of the organisation wants `event` (one query)."""
    return bool(organizations_listening({organization_id}, event))


def inbox_items_received_event(items) -> None:
    """inbox.item_received for each item. Callers check `has_subscribers` first (ingestion
    does, once per poll run), so a page nobody listens to builds no payloads."""
    for item in items:
        emit(item.organization_id, "inbox.item_received", {"item": {
            "id": item.pk, "account": item.account_id, "kind": item.kind,
            "remote_id": item.remote_id, "author_handle": item.author_handle,
            "author_name": item.author_name, "text": item.text, "url": item.url,
            "created_at": item.created_at}})


def alert_raised_event(alert) -> None:
    """alert.raised: an account's negative items or mentions spiked (inbox spike alerts)."""
    emit(alert.organization_id, "alert.raised", {"alert": {
        "id": alert.pk, "account": alert.account_id, "kind": alert.kind,
        "count": alert.count, "baseline_per_hour": alert.baseline,
        "threshold": alert.threshold, "window_start": alert.window_start,
        "window_end": alert.window_end, "items": alert.item_ids}})
