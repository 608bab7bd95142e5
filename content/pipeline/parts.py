"""Thread parts and first comments: sent in order after their target, exactly once each.

Every further part of a thread and the first comment is a `TargetPart` with its own
delivery state. Once the target is published, its parts go out one after another, each
as a reply to the one before (a thread) or to the post itself (the first comment):

- `promote_ready` (every beat tick) schedules the first waiting part of each published
  target whose earlier parts are all out;
- `claim_due` claims due parts, and parts whose lease expired, by compare-and-set with a
  lease (the fencing token, as for targets); a re-claimed part is marked `lease_expired`;
- `send_parts` sends a claimed part and, once it is out, claims the next part of the same
  target at once, so a thread goes out in one run. Before repeating a call that may have
  gone through (lease expired, timeout, lost answer, crash) the platform is asked first
  (`find_published` / `find_comment`, or the stable idempotency key), never a blind retry.

A failure stops the chain at that part: the parts before it stay published and are never
sent again; retrying (automatically after a temporary error, or by a person) starts at it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AccountStatus
from accounts.services.connected_accounts import account_record_sync
from accounts.services.errors import Conflict
from content.models import PartState, TargetPart
from content.models.posts import RECONNECT_WAIT_CODE
from content.pipeline.backoff import next_attempt
from content.pipeline.dispatcher import lease_token, parse_lease
from content.pipeline.links import link_tracking, tracked_text
from content.pipeline.providers import provider_for
from content.pipeline.ratelimit import account_limited_until, account_rate_limited
from content.pipeline.settle import MAX_ERROR, UNCERTAIN
from content.services.access import require
from content.workflows import TargetState
from lib.cas import compare_and_set
from lib.taskqueue import enqueue as queue_task
from lib.weburl import http_url
from platforms.base import PublishRequest, RemotePost
from platforms.errors import (
    AuthExpired,
    NotSupported,
    ProviderError,
    RateLimited,
    Rejected,
    Transient,
)

log = logging.getLogger(__name__)

LEASE_EXPIRED = "lease_expired"
CLAIM_BATCH = 200
WAITING_ACCOUNT = (AccountStatus.NEEDS_RECONNECT, AccountStatus.DISABLED)


@dataclass(frozen=True)
class PartClaim:
    part_id: int
    lease: str


def _lease(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(seconds=settings.PUBLISH_LEASE_SECONDS)


def promote_ready(now: dt.datetime | None = None) -> int:
    """Waiting parts whose target is published and whose earlier parts are all out → due."""
    now = now or timezone.now()
    earlier_open = TargetPart.objects.filter(
        target=OuterRef("target"), position__lt=OuterRef("position")).exclude(
        status=PartState.SENT)
    return (TargetPart.objects.filter(status=PartState.WAITING,
                                      target__status=TargetState.PUBLISHED)
            .filter(~Exists(earlier_open))
            .update(status=PartState.SCHEDULED, next_attempt_at=now, updated_at=now))


def _locked(queryset):
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True, of=("self",))
    return queryset


def claim_due(now: dt.datetime | None = None, *, limit: int = CLAIM_BATCH) -> list[PartClaim]:
    """Claim due parts and parts whose lease expired (compare-and-set on the state)."""
    now = now or timezone.now()
    lease = _lease(now)
    with transaction.atomic():
        # Parts of an account waiting for a reconnect (or switched off) stay scheduled and
        # are not claimed until it is usable again.
        due = list(_locked(TargetPart.objects.filter(status=PartState.SCHEDULED,
                                                     next_attempt_at__lte=now)
                           .exclude(target__account__status__in=WAITING_ACCOUNT,
                                    target__account__disconnected_at__isnull=True)
                           .order_by("next_attempt_at", "pk"))
                   .values_list("pk", flat=True)[:limit])
        expired = list(_locked(TargetPart.objects.filter(status=PartState.SENDING,
                                                         lease_expires_at__lt=now)
                               .order_by("lease_expires_at", "pk"))
                       .values_list("pk", flat=True)[:limit])
        if due:
            TargetPart.objects.filter(pk__in=due, status=PartState.SCHEDULED).update(
                status=PartState.SENDING, lease_expires_at=lease,
                attempts=F("attempts") + 1, updated_at=now)
        if expired:
            log.warning("re-claimed %d parts whose lease expired", len(expired))
            TargetPart.objects.filter(pk__in=expired, status=PartState.SENDING,
                                      lease_expires_at__lt=now).update(
                lease_expires_at=lease, attempts=F("attempts") + 1,
                last_error_code=LEASE_EXPIRED, updated_at=now)
        held = TargetPart.objects.filter(pk__in=[*due, *expired], status=PartState.SENDING,
                                         lease_expires_at=lease).values_list("pk", flat=True)
    return [PartClaim(pk, lease_token(lease)) for pk in sorted(held)]


def dispatch_parts(*, enqueue: bool = True) -> list[PartClaim]:
    """The beat's run: promote what became ready, claim what is due, queue the sending."""
    promote_ready()
    claims = claim_due()
    if enqueue and claims:
        for start in range(0, len(claims), 20):
            queue_task("pipeline.send_parts",
                       [[c.part_id, c.lease] for c in claims[start:start + 20]], on_commit=False)
    return claims


# --- sending ---------------------------------------------------------------------------

def send_parts(claims: list[PartClaim]) -> dict[int, str]:
    """Send each claimed part, and the parts after it while they go through."""
    results: dict[int, str] = {}
    for claim in claims:
        current: PartClaim | None = claim
        while current is not None:
            current = _send_one(current, results)
    return results


def _load(claim: PartClaim) -> TargetPart | None:
    part = (TargetPart.objects.select_related("target__account", "target__post__organization")
            .filter(pk=claim.part_id, status=PartState.SENDING,
                    lease_expires_at=parse_lease(claim.lease)).first())
    return part


def parent_remote_id(part: TargetPart) -> str:
    """What the part answers: the thread part before it (or the post), or the post itself
    for the first comment."""
    if part.is_comment or part.position <= 1:
        return part.target.remote_id
    before = (TargetPart.objects.filter(target_id=part.target_id, position__lt=part.position,
                                        kind=part.kind)
              .order_by("-position").values_list("remote_id", flat=True).first())
    return before if before is not None else part.target.remote_id


def part_request(part: TargetPart, *, rules=None) -> PublishRequest:
    target = part.target
    if rules is None:
        rules = link_tracking([target])[target.post.organization_id]
    return PublishRequest(text=tracked_text(target, rules=rules, text=part.text),
                          idempotency_key=str(part.idempotency_key),
                          reply_to=parent_remote_id(part))


def _send_one(claim: PartClaim, results: dict) -> PartClaim | None:
    """Send one claimed part; the claim of the target's next part when this one went out."""
    part = _load(claim)
    if part is None:
        return None
    target, lease = part.target, claim.lease
    try:
        if target.account.is_connected and not target.account.is_usable:
            results[part.pk] = _wait_for_reconnect(part, lease)
            return None
        stop = _stop(part)
        if stop is not None:
            results[part.pk] = _fail(part, lease, code="cannot_send", message=stop)
            return None
        until = account_limited_until(target.account_id, None)
        if until is not None:
            results[part.pk] = _retry(part, lease, code=_keep(part, "rate_limited"),
                                      when=until, count=False,
                                      message=_("Waiting for the platform's rate limit to "
                                                "reset."))
            return None
        provider = provider_for(target.account.provider)
        request = part_request(part)
        remote = _call(provider, part, request)
    except ProviderError as exc:
        results[part.pk] = _on_error(part, lease, exc, provider_for(target.account.provider))
        return None
    except _Unconfirmed as exc:
        results[part.pk] = _fail(part, lease, code="unconfirmed", message=str(exc))
        return None
    except Exception as exc:  # a bug must not leave the part claimed, nor crash-loop
        log.exception("sending part %s crashed", part.pk)
        results[part.pk] = _retry(part, lease, code="crash", message=_(
            "An unexpected error stopped publishing (%(error)s); it is tried again.")
            % {"error": type(exc).__name__})
        return None
    if remote is None or not remote.id:
        results[part.pk] = _on_error(part, lease, Transient(_(
            "The platform answered without a post id.")), provider)
        return None
    next_claim = _sent(part, lease, remote)
    results[part.pk] = PartState.SENT if next_claim is not False else "stale"
    return next_claim or None


class _Unconfirmed(Exception):
    pass


def _stop(part: TargetPart) -> str | None:
    target = part.target
    if target.status != TargetState.PUBLISHED:
        return _("The post itself is not published on this network.")
    if not part.target.account.is_usable:
        return _("The account %(account)s needs reconnecting.") % {
            "account": target.account.handle}
    if not parent_remote_id(part):
        return _("The platform's id of the post before this part is unknown (it was marked "
                 "as published by hand), so this part cannot answer it.")
    if not part.text.strip():
        return _("This part is empty.")
    return None


def _call(provider, part: TargetPart, request: PublishRequest) -> RemotePost | None:
    """Reconcile first when an earlier attempt may have gone out, then send."""
    send = provider.comment if part.is_comment else provider.publish
    find = provider.find_comment if part.is_comment else provider.find_published
    if part.last_error_code in UNCERTAIN:
        checked = False
        if provider.supports_find_published:
            try:
                found = find(part.target.account, request)
            except NotSupported:
                found = None
            else:
                checked = True
            if found is not None:
                return found
        if not checked and not provider.supports_idempotency_key:
            raise _Unconfirmed(_("An earlier attempt may have gone out and the platform "
                                 "cannot be checked. Please look at the account; retry only "
                                 "if it is not there."))
    return send(part.target.account, request)


# --- settling --------------------------------------------------------------------------

def _cas(part: TargetPart, lease: str, **fields) -> bool:
    if "last_error" in fields:
        fields["last_error"] = fields["last_error"][:MAX_ERROR]
    return bool(TargetPart.objects.filter(
        pk=part.pk, status=PartState.SENDING, lease_expires_at=parse_lease(lease)).update(
        updated_at=timezone.now(), **fields))


def _sent(part: TargetPart, lease: str, remote: RemotePost) -> PartClaim | bool | None:
    """Record the part as published and claim the next one of the target (None: none left;
    False: the lease was lost and this run's result dropped)."""
    now = timezone.now()
    with transaction.atomic():
        if not _cas(part, lease, status=PartState.SENT, remote_id=remote.id[:255],
                    remote_url=http_url(remote.url),
                    published_at=remote.published_at or now, lease_expires_at=None,
                    next_attempt_at=None, last_error="", last_error_code=""):
            log.info("part %s: lease lost, result of this run dropped", part.pk)
            return False
        audit_record(organization=part.target.post.organization, actor=None,
                     verb=f"content.part.{part.kind}.published", target=part.target,
                     details={"part": part.pk, "position": part.position,
                              "remote_id": remote.id[:255]})
        account_record_sync(account=part.target.account)
        following = (TargetPart.objects.filter(target_id=part.target_id,
                                               position__gt=part.position)
                     .order_by("position").first())
        if following is None or following.status != PartState.WAITING:
            return None
        new_lease = _lease(now)
        claimed = compare_and_set(
            following, expected=PartState.WAITING, to=PartState.SENDING,
            lease_expires_at=new_lease, attempts=F("attempts") + 1, next_attempt_at=now,
            updated_at=now)
    return PartClaim(following.pk, lease_token(new_lease)) if claimed else None


def _keep(part: TargetPart, code: str) -> str:
    """A retry that did not settle an earlier uncertainty keeps the 'ask first' mark."""
    return part.last_error_code if part.last_error_code in UNCERTAIN else code


def _retry(part: TargetPart, lease: str, *, code: str, message: str,
           when: dt.datetime | None = None, count: bool = True) -> str:
    if count and part.attempts >= settings.PUBLISH_MAX_ATTEMPTS:
        return _fail(part, lease, code=code, message=message)
    when = when or next_attempt(timezone.now(), part.attempts)
    extra = {} if count else {"attempts": F("attempts") - 1}
    _cas(part, lease, status=PartState.SCHEDULED, next_attempt_at=when, lease_expires_at=None,
         last_error=message, last_error_code=code, **extra)
    return PartState.SCHEDULED


def _wait_for_reconnect(part: TargetPart, lease: str, *, reason: str = "") -> str:
    """Back to scheduled without counting an attempt; `claim_due` leaves it alone until the
    account is usable again, then it goes out (the rest of the thread after it)."""
    account = part.target.account
    message = _("The account %(account)s needs reconnecting. This part goes out once it is "
                "reconnected.") % {"account": account.handle}
    if reason:
        message += " " + _("The platform said: %(reason)s") % {"reason": reason}
    return _retry(part, lease, code=RECONNECT_WAIT_CODE, when=timezone.now(), count=False,
                  message=message)


def _fail(part: TargetPart, lease: str, *, code: str, message: str) -> str:
    from content.pipeline.notify import notify_target_problem

    with transaction.atomic():
        if _cas(part, lease, status=PartState.FAILED, lease_expires_at=None,
                next_attempt_at=None, last_error=message, last_error_code=code):
            audit_record(organization=part.target.post.organization, actor=None,
                         verb=f"content.part.{part.kind}.failed", target=part.target,
                         details={"part": part.pk, "position": part.position,
                                  "reason": message[:200]})
            notify_target_problem(target=part.target, state=TargetState.FAILED,
                                  reason=_describe(part, message))
    return PartState.FAILED


def _describe(part: TargetPart, message: str) -> str:
    if part.is_comment:
        return _("First comment: %(message)s") % {"message": message}
    return _("Thread part %(n)d: %(message)s") % {"n": part.position + 1, "message": message}


def _on_error(part: TargetPart, lease: str, exc: ProviderError, provider) -> str:
    message = exc.message or type(exc).__name__
    account = part.target.account
    if isinstance(exc, RateLimited):
        until = account_rate_limited(account, retry_after=exc.retry_after)
        return _retry(part, lease, code=_keep(part, "rate_limited"), when=until, count=False,
                      message=_("Rate limited by the platform: %(m)s") % {"m": message})
    if isinstance(exc, Transient):
        if not (provider.supports_find_published or provider.supports_idempotency_key):
            return _fail(part, lease, code="unconfirmed", message=_(
                "The platform did not answer clearly (%(m)s) and cannot be checked. Please "
                "look at the account; retry only if it is not there.") % {"m": message})
        return _retry(part, lease, code="uncertain", message=message)
    if isinstance(exc, Rejected):
        return _fail(part, lease, code="rejected", message=exc.reason or message)
    if isinstance(exc, AuthExpired):
        from accounts.services.connected_accounts import account_mark_needs_reconnect

        account_mark_needs_reconnect(account=account, reason=message)
        return _wait_for_reconnect(part, lease, reason=message)
    if isinstance(exc, NotSupported):
        return _fail(part, lease, code="not_supported", message=message)
    return _retry(part, lease, code="crash", message=message)


# --- people ----------------------------------------------------------------------------

def part_retry(*, part: TargetPart, actor) -> TargetPart:
    """A failed part goes out again now (attempts start over; an uncertain one is checked on
    the platform first). The parts before it are not touched."""
    post = part.target.post
    require(actor, post.organization, "post.edit")
    now = timezone.now()
    with transaction.atomic():
        locked = TargetPart.objects.select_for_update().get(pk=part.pk)
        if locked.status != PartState.FAILED:
            raise Conflict(_("This part is not waiting for a retry any more. Reload the "
                             "page to see where it stands."))
        code = locked.last_error_code if locked.last_error_code in (*UNCERTAIN,
                                                                    "unconfirmed") else ""
        if code == "unconfirmed":
            code = ""  # a person looked: it is not there
        compare_and_set(locked, expected=PartState.FAILED, to=PartState.SCHEDULED,
                        next_attempt_at=now, attempts=0, last_error_code=code, updated_at=now)
        audit_record(organization=post.organization, actor=actor,
                     verb=f"content.part.{locked.kind}.retried", target=locked.target,
                     details={"part": locked.pk, "position": locked.position})
    part.refresh_from_db()
    return part

