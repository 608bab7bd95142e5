"""Hiding a reply under one of our posts from public view on the platform (and showing it
again), where the platform offers it (`Provider.hide_kinds`; Threads: top-level replies).

The platform is asked first; only when it agreed is the item marked (`hidden_at`), so the
inbox never claims a state the platform does not have. A second click for the state the
item is already in changes nothing and asks the platform nothing.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.services.errors import Conflict, ServiceError
from inbox.models import InboxItem
from platforms.errors import AuthExpired, ProviderError
from platforms.registry import UnknownProvider, get_provider


def can_hide(item: InboxItem) -> bool:
    """Whether the platform can hide (or show again) this item, as things stand."""
    try:
        provider = get_provider(item.account.provider)
    except UnknownProvider:
        return False
    return (item.kind in provider.hide_kinds and item.deleted_at is None
            and item.account.is_usable)


def inbox_item_set_hidden(*, item: InboxItem, hidden: bool, actor, request=None) -> InboxItem:
    if (item.hidden_at is not None) == hidden:
        return item
    if not can_hide(item):
        raise ServiceError(_("This item cannot be hidden on its platform."))
    account = item.account
    provider = get_provider(account.provider)
    try:
        provider.hide(account, item.remote_id, hidden=hidden)
    except AuthExpired as exc:
        from inbox.services.polling import _needs_reconnect

        _needs_reconnect(account, exc)
        raise ServiceError(_("The account %(handle)s needs to be reconnected.")
                           % {"handle": account.handle}) from None
    except ProviderError as exc:
        raise ServiceError(_("%(platform)s did not change the visibility: %(reason)s")
                           % {"platform": provider.name, "reason": exc.message}) from None
    # Only the click that moved the row writes the audit entry (two tabs, one change).
    now = timezone.now() if hidden else None
    was = Q(hidden_at__isnull=True) if hidden else Q(hidden_at__isnull=False)
    if not InboxItem.objects.filter(was, pk=item.pk).update(hidden_at=now):
        raise Conflict(_("Someone else changed this conversation at the same time."))
    item.hidden_at = now
    audit_record(organization=item.organization, actor=actor,
                 verb="inbox.item.hidden" if hidden else "inbox.item.unhidden",
                 target=item, details={"platform": provider.name}, request=request)
    return item
