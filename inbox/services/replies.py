"""Replies: written in the inbox, optionally approved, sent through the provider by a worker.

States and transitions are declared in `inbox.models.replies`; `reply_transition` is the only
writer of `status` (compare-and-set through `lib.cas`, audited in the same transaction).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AccountStatus
from accounts.services.connected_accounts import (
    account_mark_needs_reconnect,
    account_record_sync,
)
from accounts.services.errors import Conflict, ServiceError
from inbox.models import REPLY_TRANSITIONS, InboxItem, InboxReply, InboxSettings, ReplyStatus
from lib.cas import compare_and_set
from lib.taskqueue import enqueue
from lib.text_input import text_problem
from lib.weburl import http_url
from platforms.errors import AuthExpired, ProviderError, Rejected, Transient
from platforms.registry import UnknownProvider, get_provider

MAX_ATTEMPTS = 3
RETRY_DELAYS = (30, 120)  # seconds before the 2nd and 3rd automatic attempt


def reply_transition(reply: InboxReply, to: str, *, actor=None, reason: str = "",
                     **fields) -> InboxReply:
    """Move `reply` to `to` if it is still in the state we read; Conflict otherwise."""
    if to not in REPLY_TRANSITIONS[reply.status]:
        raise Conflict(_("This reply cannot go from %(a)s to %(b)s.")
                       % {"a": reply.get_status_display(), "b": ReplyStatus(to).label})
    previous = reply.status
    with transaction.atomic():
        if not compare_and_set(reply, expected=previous, to=to, **fields):
            raise Conflict(_("Someone else changed this reply first. Please reload."))
        item = reply.item
        audit_record(organization=item.organization, actor=actor, verb=f"inbox.reply.{to}",
                     target=item, details={"reply": reply.pk, "from": previous,
                                           "reason": reason[:500]})
    return reply


def account_problem(account) -> str:
    """Why this account cannot send right now, or ''."""
    if account.disconnected_at or account.status == AccountStatus.NEEDS_RECONNECT:
        return _("The account %(handle)s needs to be reconnected before you can reply.") % {
            "handle": account.handle}
    if account.status != AccountStatus.ACTIVE:
        return _("The account %(handle)s is disabled.") % {"handle": account.handle}
    return ""


def _check_access(membership, account) -> None:
    from accounts.selectors import member_may_use_account

    if not member_may_use_account(membership, account):
        raise ServiceError(_("You may not use the account %(handle)s.")
                           % {"handle": account.handle}, code="forbidden")


def _check_text(account, text: str) -> None:
    if not text.strip():
        raise ServiceError(_("A reply cannot be empty."))
    # The forms and the API check this too; here it holds for every caller (MCP included).
    problem = text_problem(text, "comment")
    if problem:
        raise ServiceError(problem)
    try:
        provider = get_provider(account.provider)
        problems = provider.validate(account, text, [])
    except UnknownProvider:
        raise ServiceError(_("This platform is switched off.")) from None
    except ProviderError:
        return  # limits unknown right now: the platform itself will refuse an over-long reply
    if problems:
        raise ServiceError(" ".join(str(p.message) for p in problems), code="too_long")


def inbox_reply_create(*, item: InboxItem, membership, text: str) -> InboxReply:
    """Write a reply as `membership`'s user; it is sent at once or waits for approval."""
    if not membership.can("inbox.reply"):
        raise ServiceError(_("Your role cannot reply."), code="forbidden")
    problem = account_problem(item.account)
    if problem:
        raise ServiceError(problem, code="needs_reconnect")
    _check_access(membership, item.account)
    _check_text(item.account, text)
    settings_ = InboxSettings.objects.filter(organization_id=item.organization_id).first()
    needs_approval = bool(settings_ and settings_.replies_require_approval
                          and not membership.can("inbox.approve"))
    status = ReplyStatus.PENDING_APPROVAL if needs_approval else ReplyStatus.SENDING
    with transaction.atomic():
        reply = InboxReply.objects.create(item=item, author=membership.user, text=text.strip(),
                                          status=status)
        audit_record(organization=item.organization, actor=membership.user,
                     verb=f"inbox.reply.{status}", target=item, details={"reply": reply.pk})
        if status == ReplyStatus.SENDING:
            _enqueue(reply)
    return reply


def _enqueue(reply: InboxReply, countdown: int = 0) -> None:

    enqueue("inbox.send_reply", reply.pk, countdown=countdown)


def inbox_reply_approve(*, reply: InboxReply, membership) -> InboxReply:
    if not membership.can("inbox.approve"):
        raise ServiceError(_("Your role cannot approve replies."), code="forbidden")
    with transaction.atomic():
        reply_transition(reply, ReplyStatus.SENDING, actor=membership.user,
                         approved_by=membership.user)
        _enqueue(reply)
    return reply


def inbox_reply_reject(*, reply: InboxReply, membership, reason: str = "") -> InboxReply:
    if not membership.can("inbox.approve"):
        raise ServiceError(_("Your role cannot approve replies."), code="forbidden")
    return reply_transition(reply, ReplyStatus.REJECTED, actor=membership.user, reason=reason,
                            error=reason[:500])


def inbox_reply_retry(*, reply: InboxReply, membership) -> InboxReply:
    if not membership.can("inbox.reply"):
        raise ServiceError(_("Your role cannot reply."), code="forbidden")
    problem = account_problem(reply.item.account)
    if problem:
        raise ServiceError(problem, code="needs_reconnect")
    _check_access(membership, reply.item.account)
    with transaction.atomic():
        # Same idempotency key: a platform that saw the first attempt does not post twice.
        reply_transition(reply, ReplyStatus.SENDING, actor=membership.user, error="",
                         attempts=0)
        _enqueue(reply)
    return reply


@dataclass
class SendOutcome:
    status: str
    retry_in: int | None = None


def inbox_reply_send(*, reply_id: int) -> SendOutcome:
    """Worker: one attempt to deliver a `sending` reply. Says when to try again, if at all."""
    reply = InboxReply.objects.select_related("item__account", "item__organization").get(
        pk=reply_id)
    if reply.status != ReplyStatus.SENDING:
        return SendOutcome(reply.status)  # approved twice, retried, or already sent
    item, account = reply.item, reply.item.account
    attempts = reply.attempts + 1
    InboxReply.objects.filter(pk=reply.pk).update(attempts=attempts)
    problem = account_problem(account)
    if problem:
        return _fail(reply, problem)
    try:
        remote = get_provider(account.provider).reply(
            account, item.remote_id, reply.text, idempotency_key=str(reply.idempotency_key))
    except AuthExpired as exc:
        account_mark_needs_reconnect(account=account, reason=exc.message or str(exc))
        return _fail(reply, _("The account %(handle)s needs to be reconnected (%(reason)s).")
                     % {"handle": account.handle, "reason": exc.message or str(exc)})
    except Rejected as exc:
        return _fail(reply, _("The platform refused the reply: %(reason)s")
                     % {"reason": exc.reason})
    except (Transient, ProviderError, UnknownProvider) as exc:
        if attempts < MAX_ATTEMPTS and isinstance(exc, Transient):
            delay = getattr(exc, "retry_after", None) or RETRY_DELAYS[attempts - 1]
            return SendOutcome(ReplyStatus.SENDING, retry_in=int(delay))
        return _fail(reply, _("The platform could not be reached: %(reason)s")
                     % {"reason": str(exc) or exc.__class__.__name__})
    now = timezone.now()
    with transaction.atomic():
        reply_transition(reply, ReplyStatus.SENT, actor=reply.author, remote_id=remote.id[:255],
                         remote_url=http_url(remote.url), sent_at=now, error="")
        # Response metrics: only the first reply counts, whoever sent it.
        InboxItem.objects.filter(pk=item.pk, first_response_at__isnull=True).update(
            first_response_at=now, first_responder=reply.author)
    account_record_sync(account=account)
    return SendOutcome(ReplyStatus.SENT)


def _fail(reply: InboxReply, reason: str) -> SendOutcome:
    reply_transition(reply, ReplyStatus.FAILED, actor=None, reason=reason, error=reason[:1000])
    return SendOutcome(ReplyStatus.FAILED)
