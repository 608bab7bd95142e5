"""The webhook layer listens to the domain's signals (content.signals) and emits events."""

from __future__ import annotations


def _target_deleted(sender, *, target, **kwargs) -> None:
    from api.events import target_deleted_event

    target_deleted_event(target)


def connect() -> None:
    from content.signals import target_deleted

    target_deleted.connect(_target_deleted, dispatch_uid="api.webhooks.target_deleted")
