"""Connected accounts: connect, reconnect, rename, disable, disconnect, token lifecycle.

Every change is audited (`accounts.account.<verb>`). Other apps never touch an
account's status or tokens directly: they call `account_mark_needs_reconnect` when a
provider raised AuthExpired (and `account_record_sync` after a call that worked), listen
to `account_needs_reconnect` to pause work and tell people, and to `account_became_usable`
to resume work that was paused for the account.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AccountStatus, ConnectedAccount, Organization
from accounts.services.account_mail import send_needs_reconnect_mail
from accounts.services.errors import Conflict, ServiceError
from accounts.shell_cache import connected_accounts_changed
from lib.cas import compare_and_set
from lib.text_input import clean_name
from lib.weburl import http_url
from platforms.base import ConnectResult, RemoteAccount
from platforms.errors import AuthExpired, NotSupported, ProviderError

logger = logging.getLogger(__name__)

# Sent (after commit) when an account is active again after needs_reconnect/disabled:
# the publishing pipeline and pollers resume the work they paused. kwargs: account.
account_became_usable = Signal()
# Sent (after commit) when the platform stopped accepting an account's tokens: the
# publishing pipeline pauses its scheduled posts, people are notified. kwargs: account.
account_needs_reconnect = Signal()

MAX_ERROR_LENGTH = 1000


def _apply_remote(account: ConnectedAccount, remote: RemoteAccount) -> None:
    account.handle = remote.handle[:255] or account.handle
    account.display_name = (remote.display_name or "")[:255]
    account.avatar_url = http_url(remote.avatar_url)


def _became_usable(account: ConnectedAccount) -> None:
    transaction.on_commit(lambda: account_became_usable.send(ConnectedAccount, account=account))


@transaction.atomic
def account_connect(*, organization: Organization, provider_key: str, result: ConnectResult,
                    actor, request=None) -> ConnectedAccount:
    """Connect the account a connect flow produced.

    The same platform account twice in one organisation is refused (another organisation
    may connect it too). An account that is waiting for a reconnect is reconnected; one
    that was disconnected earlier comes back with its history.
    """
    remote = result.account
    same = ConnectedAccount.objects.for_org(organization).filter(
        provider=provider_key, external_id=remote.external_id)
    current = same.connected().select_for_update().first()
    if current is not None:
        if current.status == AccountStatus.NEEDS_RECONNECT:
            return account_reconnected(account=current, result=result, actor=actor,
                                       request=request)
        raise ServiceError(
            _("%(handle)s is already connected to this organisation.") % {"handle": current.name},
            code="duplicate",
        )
    existing = same.filter(disconnected_at__isnull=False).order_by("-disconnected_at").first()
    account = existing or ConnectedAccount(organization=organization, provider=provider_key,
                                           external_id=remote.external_id)
    revived = existing is not None
    _apply_remote(account, remote)
    account.status = AccountStatus.ACTIVE
    account.disconnected_at = None
    account.needs_reconnect_since = None
    account.last_error = ""
    account.set_tokens(result.tokens)
    account.settings = {**account.settings, **result.settings}
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError:  # a concurrent connect of the same account won the race
        raise ServiceError(_("This account is already connected to this organisation."),
                           code="duplicate") from None
    audit_record(organization=organization, actor=actor,
                 verb="accounts.account.connected", target=account,
                 details={"provider": provider_key, "handle": account.handle,
                          "restored": revived}, request=request)
    return account


@transaction.atomic
def account_reconnected(*, account: ConnectedAccount, result: ConnectResult, actor,
                        request=None) -> ConnectedAccount:
    """Fresh tokens for an account: keeps its history and never loses a stored refresh token."""
    account = ConnectedAccount.objects.select_for_update().get(pk=account.pk)
    if result.account.external_id != account.external_id:
        raise ServiceError(
            _("You signed in as %(other)s, but this is %(handle)s. Sign in to the platform "
              "with the right account and try again.")
            % {"other": result.account.handle, "handle": account.name},
            code="wrong_account",
        )
    if not account.is_connected:
        raise ServiceError(_("This account was disconnected; connect it again instead."))
    was_usable = account.is_usable
    _apply_remote(account, result.account)
    account.set_tokens(result.tokens, keep_refresh_token=True)
    account.settings = {**account.settings, **result.settings}
    account.status = AccountStatus.ACTIVE
    account.needs_reconnect_since = None
    account.last_error = ""
    account.save()
    audit_record(organization=account.organization, actor=actor,
                 verb="accounts.account.reconnected", target=account, request=request)
    if not was_usable:
        _became_usable(account)
    return account


def account_rename(*, account: ConnectedAccount, label: str, actor, request=None) -> None:
    label = clean_name(label)
    if len(label) > 100:
        raise ServiceError(_("Use at most 100 characters."))
    old = account.label
    ConnectedAccount.objects.filter(pk=account.pk).update(label=label)
    account.label = label
    connected_accounts_changed(account.organization_id)
    audit_record(organization=account.organization, actor=actor,
                 verb="accounts.account.renamed", target=account,
                 details={"from": old, "to": label}, request=request)


def _set_status(account: ConnectedAccount, *, expected: set[str], to: str, **fields) -> bool:
    """Compare-and-set on status of a connected account; False when another change came
    first."""
    changed = compare_and_set(account, expected=expected, to=to,
                              where={"disconnected_at__isnull": True}, **fields)
    if changed:
        connected_accounts_changed(account.organization_id)  # an UPDATE: no post_save
    return changed


@transaction.atomic
def account_disable(*, account: ConnectedAccount, actor, request=None) -> None:
    """Stop all work for the account (kept connected, posts wait)."""
    if not _set_status(account, expected={AccountStatus.ACTIVE, AccountStatus.NEEDS_RECONNECT},
                       to=AccountStatus.DISABLED):
        raise Conflict(_("This account cannot be disabled in its current state."))
    audit_record(organization=account.organization, actor=actor,
                 verb="accounts.account.disabled", target=account, request=request)


@transaction.atomic
def account_enable(*, account: ConnectedAccount, actor, request=None) -> None:
    # Expired tokens go straight to needs_reconnect rather than pretending to be usable.
    target = AccountStatus.NEEDS_RECONNECT if (
        account.token_expired and not account.has_refresh_token) else AccountStatus.ACTIVE
    since = timezone.now() if target == AccountStatus.NEEDS_RECONNECT else None
    if not _set_status(account, expected={AccountStatus.DISABLED}, to=target,
                       needs_reconnect_since=since):
        raise Conflict(_("Only a disabled account can be enabled."))
    audit_record(organization=account.organization, actor=actor,
                 verb="accounts.account.enabled", target=account, request=request)
    if target == AccountStatus.ACTIVE:
        _became_usable(account)


@transaction.atomic
def account_disconnect(*, account: ConnectedAccount, actor, request=None) -> None:
    """Disconnect: tokens are wiped, the row and its history (posts, inbox, metrics) stay."""
    changed = ConnectedAccount.objects.filter(pk=account.pk, disconnected_at__isnull=True).update(
        disconnected_at=timezone.now(), status=AccountStatus.DISABLED,
        access_token_encrypted="", refresh_token_encrypted="", token_expires_at=None)
    if not changed:
        raise Conflict(_("This account is already disconnected."))
    connected_accounts_changed(account.organization_id)
    account.refresh_from_db()
    audit_record(organization=account.organization, actor=actor,
                 verb="accounts.account.disconnected", target=account, request=request)


def account_mark_needs_reconnect(*, account: ConnectedAccount, reason: str,
                                 actor=None) -> bool:
    """The platform no longer accepts the account's tokens (AuthExpired).

    Sets `needs_reconnect` (work for the account pauses: `account.is_usable` is False),
    records the reason and since when, and tells the organisation's admins and owners once
    (an e-mail here, the in-app notification through `account_needs_reconnect`). The
    platform's own words are kept as the reason. Returns True when this call changed the
    status.
    """
    reason = (reason or _("The platform no longer accepts this account's authorisation."))
    reason = reason[:MAX_ERROR_LENGTH]
    now = timezone.now()
    with transaction.atomic():
        changed = _set_status(account, expected={AccountStatus.ACTIVE},
                              to=AccountStatus.NEEDS_RECONNECT, last_error=reason,
                              last_error_at=now, needs_reconnect_since=now)
        if not changed:
            # Already waiting for a reconnect: keep the reason that started it (the
            # platform's words), not a later "could not be renewed" echo of it.
            (ConnectedAccount.objects.filter(pk=account.pk)
             .exclude(status=AccountStatus.NEEDS_RECONNECT)
             .update(last_error=reason, last_error_at=now))
            return False
        audit_record(organization=account.organization, actor=actor,
                     verb="accounts.account.needs_reconnect", target=account,
                     details={"reason": reason})
        transaction.on_commit(lambda: send_needs_reconnect_mail(account.pk))
        transaction.on_commit(
            lambda: account_needs_reconnect.send(ConnectedAccount, account=account))
    return True


def account_record_sync(*, account: ConnectedAccount) -> None:
    """A publish, poll or metrics run for this account succeeded ("Last successful sync")."""
    now = timezone.now()
    ConnectedAccount.objects.filter(pk=account.pk).update(last_synced_at=now)
    account.last_synced_at = now


def accounts_record_sync(*, account_ids) -> None:
    """`account_record_sync` for many accounts in one UPDATE (the publishing hot path)."""
    ids = set(account_ids)
    if ids:
        ConnectedAccount.objects.filter(pk__in=ids).update(last_synced_at=timezone.now())


def account_record_error(*, account: ConnectedAccount, message: str) -> None:
    """Remember the last platform error shown on the accounts page (not a status change)."""
    now = timezone.now()
    message = message[:MAX_ERROR_LENGTH]
    ConnectedAccount.objects.filter(pk=account.pk).update(last_error=message, last_error_at=now)
    account.last_error, account.last_error_at = message, now


def account_refresh_tokens(*, account_id: int) -> bool:
    """Renew an account's tokens through its provider. True when new tokens were stored.

    The row is locked while refreshing: platforms with single-use refresh tokens (X)
    would invalidate a second, concurrent refresh. AuthExpired marks the account for
    reconnecting; other provider errors are recorded and re-raised for the task to retry.
    """
    from platforms.registry import UnknownProvider, get_provider

    with transaction.atomic():
        account = (ConnectedAccount.objects.select_for_update()
                   .filter(pk=account_id).usable().first())
        if account is None:
            return False
        try:
            tokens = get_provider(account.provider).refresh(account)
        except UnknownProvider:
            return False
        except (AuthExpired, NotSupported) as exc:
            expired = exc
        except ProviderError as exc:
            account_record_error(account=account, message=exc.message or str(exc))
            raise
        else:
            if tokens is None:
                return False
            account.set_tokens(tokens, keep_refresh_token=True)
            account.save(update_fields=["access_token_encrypted", "refresh_token_encrypted",
                                        "token_expires_at", "expiry_reminder_days", "settings"])
            audit_record(organization=account.organization, actor=None,
                         verb="accounts.account.tokens_refreshed", target=account)
            return True
    if isinstance(expired, AuthExpired):
        account_mark_needs_reconnect(account=account, reason=expired.message)
    return False


def account_publishing_quotas(*, account: ConnectedAccount) -> list:
    """How much of the platform's publishing allowance the account has used (Threads: posts
    and replies per 24 hours), where the platform reports it. Empty when it reports none, the
    account is not usable, or the platform cannot be asked right now: the page still shows."""
    from platforms.registry import UnknownProvider, get_provider

    if not account.is_usable:
        return []
    try:
        return get_provider(account.provider).publishing_quotas(account)
    except (UnknownProvider, ProviderError):
        return []
