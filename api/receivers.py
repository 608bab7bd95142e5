"""The webhook layer listens to the domain's signals (content.signals, inbox.signals) and
emits the matching events to the organisation's endpoints (after the commit)."""

from __future__ import annotations

from api.events import (
    alert_raised_event,
    approval_requested_event,
    has_subscribers,
    inbox_items_received_event,
    organizations_listening,
    target_deleted_event,
    target_settled_event,
)

SETTLED_EVENTS = {"published": "post.published", "failed": "post.failed"}


def _approval_requested(sender, *, post, actor=None, **kwargs) -> None:
    approval_requested_event(post, actor=actor)


def _targets_settled(sender, *, targets, **kwargs) -> None:
    """One endpoint look-up per batch (the worker settles many targets at once)."""
    by_event: dict[str, list] = {}
    for target in targets:
        if target.status in SETTLED_EVENTS:
            by_event.setdefault(SETTLED_EVENTS[target.status], []).append(target)
    for event, settled in by_event.items():
        listening = organizations_listening({t.post.organization_id for t in settled}, event)
        for target in settled:
            if target.post.organization_id in listening:
                target_settled_event(target)


def _target_deleted(sender, *, target, **kwargs) -> None:
    target_deleted_event(target)


def _items_received(sender, *, organization_id, items, memo=None, **kwargs) -> None:
    """Payloads are built only when an endpoint of the organisation listens (looked up once
    per poll run: `memo` lives as long as the run)."""
    memo = {} if memo is None else memo
    if "api.item_received" not in memo:
        memo["api.item_received"] = has_subscribers(organization_id, "inbox.item_received")
    if items and memo["api.item_received"]:
        inbox_items_received_event(items)


def _alert_raised(sender, *, alert, **kwargs) -> None:
    alert_raised_event(alert)


def connect() -> None:
    from content.signals import approval_requested, target_deleted, targets_settled
    from inbox.signals import alert_raised, items_received

    approval_requested.connect(_approval_requested,
                               dispatch_uid="api.webhooks.approval_requested")
    targets_settled.connect(_targets_settled, dispatch_uid="api.webhooks.targets_settled")
    target_deleted.connect(_target_deleted, dispatch_uid="api.webhooks.target_deleted")
    items_received.connect(_items_received, dispatch_uid="api.webhooks.items_received")
    alert_raised.connect(_alert_raised, dispatch_uid="api.webhooks.alert_raised")
