"""The worker: publish a batch of claimed targets and settle each outcome.

`targets_publish(claims)` is what the Celery task calls (one message carries a small
batch, see dispatcher). It acts only on rows that still carry the lease they were handed,
loads them in two queries, re-validates each, makes the platform calls of the whole
batch concurrently (`calls`), and settles the outcomes as they arrive — published ones
together in one transaction. Every outcome (typed provider errors, and anything
unexpected) maps to a state: nothing crashes the worker or loops on the same row.
"""

from __future__ import annotations

import logging
from concurrent.futures import wait

from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from content.models import PostTarget
from content.pipeline import settle
from content.pipeline.calls import Call, Outcome, start_calls
from content.pipeline.checks import blocking_problem
from content.pipeline.dispatcher import Claim, parse_lease
from content.pipeline.links import link_tracking, tracked_text
from content.pipeline.providers import provider_for
from content.pipeline.ratelimit import (
    account_limited_until,
    account_rate_limited,
    accounts_limit_ends,
    limited_until,
)
from content.workflows import TargetState
from lib.threads import has_parts, join_parts, split_parts
from platforms.base import MediaFile, PublishRequest
from platforms.errors import (
    AuthExpired,
    NotSupported,
    ProviderError,
    RateLimited,
    Rejected,
    Transient,
)

log = logging.getLogger(__name__)


def _load(claims: list[Claim]) -> list[tuple[PostTarget, str]]:
    """The claimed rows that are still ours, in claim order (two queries for the batch)."""
    leases = {c.target_id: c.lease for c in claims}
    rows = {t.pk: t for t in PostTarget.objects.select_related("post__organization", "account")
            .prefetch_related("attachments__asset").order_by()
            .filter(pk__in=list(leases), status=TargetState.PUBLISHING)}
    held = [(rows[c.target_id], c.lease) for c in claims if c.target_id in rows
            and rows[c.target_id].lease_expires_at == parse_lease(c.lease)]
    # Approval re-check hashes the whole post: fetch its targets once, only where needed.
    needs = [t.post for t, _lease in held if t.post.organization.approval_required]
    if needs:
        prefetch_related_objects(needs, "targets__attachments", "targets__parts")
    return held


def first_part(target: PostTarget) -> str:
    """What the target itself publishes: the first part of a thread on a network with
    threads (the others follow as `TargetPart`s), all parts joined into one post elsewhere."""
    text = target.effective_text
    if not has_parts(text):
        return text
    if provider_for(target.account.provider).supports_threads:
        return split_parts(text)[0]
    return join_parts(text)


def build_request(target: PostTarget, *, rules) -> PublishRequest:
    media = [MediaFile(filename=m.asset.original_name or m.asset.file.name,
                       content_type=m.asset.content_type, size=m.asset.size,
                       alt_text=m.effective_alt_text, width=m.asset.width,
                       height=m.asset.height, open=m.asset.file.open)
             for m in target.attachments.all()]
    return PublishRequest(text=tracked_text(target, rules=rules, text=first_part(target)),
                          media=media,
                          idempotency_key=str(target.idempotency_key),
                          # The link card keeps its URL: Bluesky and Facebook read its page
                          # for the card, which a redirect through us would only slow down.
                          link=target.post.link_url)


def target_publish(*, target_id: int, lease: str) -> str:
    """Run one claim. Returns the state the target ended in ('stale': not ours any more)."""
    return targets_publish([Claim(target_id, lease)]).get(target_id, "stale")


def targets_publish(claims: list[Claim]) -> dict[int, str]:
    """Run a batch of claims: {target id: resulting state}; rows no longer ours are left out."""
    results: dict[int, str] = {}
    calls: list[Call] = []
    held = _load(claims)
    limits = accounts_limit_ends(t.account_id for t, _lease in held)
    rules = link_tracking([t for t, _lease in held])
    for target, lease in held:
        try:
            until = limited_until(limits.get(target.account_id), target.next_attempt_at)
            call = _prepare(target, lease, until, results, rules[target.post.organization_id])
        except Exception as exc:
            results[target.pk] = _crashed(target, lease, exc)
            continue
        if call is not None:
            calls.append(call)
    if calls:
        _settle_as_they_come(start_calls(calls), results)
    return results


def _prepare(target: PostTarget, lease: str, until, results: dict,
             rules) -> Call | None:
    """The call to make for this target, or None when it was settled without one."""
    stop = blocking_problem(target)
    if stop is not None:
        settle_stop = settle.pause if stop.to == TargetState.PAUSED else settle.fail
        results[target.pk] = settle_stop(target, lease, code=stop.code, message=stop.message)
        return None
    if until is not None:  # the platform asked us to wait: no call, no attempt used
        results[target.pk] = _wait_for_limit(target, lease, until)
        return None
    return Call(target=target, lease=lease, provider=provider_for(target.account.provider),
                request=build_request(target, rules=rules),
                uncertain=target.last_error_code in settle.UNCERTAIN)


# Outcomes are settled in windows: one transaction for what finished together, while a
# slow platform does not hold up the settling of the others.
SETTLE_WINDOW_SECONDS = 0.5


def _settle_as_they_come(started, results: dict) -> None:
    """Settle the account groups as their calls finish; published ones in one transaction."""
    by_future = {future: group for group, future in started}
    pending = set(by_future)
    while pending:
        done, pending = wait(pending, timeout=SETTLE_WINDOW_SECONDS)
        if not done:
            continue
        finished = []
        for future in done:
            try:
                outcomes = future.result()
            except Exception as exc:  # the call thread itself failed: settle as a crash
                outcomes = [Outcome("error", error=exc)] * len(by_future[future])
            finished += zip(by_future[future], outcomes, strict=True)
        _settle_outcomes(finished, results)


def _settle_outcomes(finished: list[tuple[Call, Outcome]], results: dict) -> None:
    published = []
    for call, outcome in finished:
        if outcome.kind == "published" and outcome.remote is not None and outcome.remote.id:
            published.append((call.target, call.lease, outcome.remote))
    if published:
        try:
            for target in settle.published_many(published):
                results[target.pk] = TargetState.PUBLISHED
        except Exception:  # rows keep their lease: it expires and the platform is asked
            log.exception("settling %d published targets failed", len(published))
    for call, outcome in finished:
        if outcome.kind == "published" and outcome.remote is not None and outcome.remote.id:
            continue
        target, lease = call.target, call.lease
        try:
            results[target.pk] = _settle_other(call, outcome)
        except Exception as exc:
            results[target.pk] = _crashed(target, lease, exc)


def _settle_other(call: Call, outcome: Outcome) -> str:
    target, lease = call.target, call.lease
    if outcome.kind == "published":  # a 200 without an id: the post may exist
        return _on_error(call, outcome, Transient(_("The platform answered without a post "
                                                    "id.")))
    if outcome.kind == "unconfirmed":
        return settle.unconfirmed(target, lease, message=_(
            "The platform's answer was lost and it cannot be checked whether the post went "
            "out. Please look at the account and tell us."))
    if outcome.kind == "deferred":  # not called: the account hit a limit or lost its sign-in
        return _deferred(target, lease)
    if isinstance(outcome.error, ProviderError):
        return _on_error(call, outcome, outcome.error)
    return _crashed(target, lease, outcome.error)


def _crashed(target: PostTarget, lease: str, exc: BaseException) -> str:
    """Anything unexpected: record it, push the target forward, never crash-loop."""
    log.error("publishing target %s crashed", target.pk, exc_info=exc)
    return settle.retry_later(
        target, lease, code="crash",
        message=_("An unexpected error stopped publishing (%(error)s); it is tried "
                  "again.") % {"error": type(exc).__name__})


def _keep_uncertain(target: PostTarget, outcome: Outcome | None, code: str) -> str:
    """A retry that did not settle an earlier uncertainty keeps the 'ask first' mark."""
    if target.last_error_code in settle.UNCERTAIN and not (outcome and outcome.reconciled):
        return target.last_error_code
    return code


def _wait_for_limit(target: PostTarget, lease: str, until, outcome=None) -> str:
    return settle.retry_later(target, lease, code=_keep_uncertain(target, outcome,
                                                                  "rate_limited"),
                              count_attempt=False, when=until,
                              message=_("Waiting for the platform's rate limit to reset."))


def _deferred(target: PostTarget, lease: str) -> str:
    from accounts.models import ConnectedAccount

    account = ConnectedAccount.objects.get(pk=target.account_id)
    until = account_limited_until(account.pk, target.next_attempt_at)
    if until is not None:
        return _wait_for_limit(target, lease, until)
    target.account = account
    stop = blocking_problem(target)
    if stop is not None:
        settle_stop = settle.pause if stop.to == TargetState.PAUSED else settle.fail
        return settle_stop(target, lease, code=stop.code, message=stop.message)
    return settle.retry_later(target, lease, code=_keep_uncertain(target, None, "deferred"),
                              count_attempt=False, when=timezone.now(),
                              message=_("Waiting for the account's earlier post."))


def _on_error(call: Call, outcome: Outcome, exc: ProviderError) -> str:
    target, lease, provider = call.target, call.lease, call.provider
    message = exc.message or type(exc).__name__
    if isinstance(exc, RateLimited):
        until = account_rate_limited(target.account, retry_after=exc.retry_after)
        return settle.retry_later(target, lease, when=until,
                                  code=_keep_uncertain(target, outcome, "rate_limited"),
                                  message=_("Rate limited by the platform: %(m)s") % {"m": message})
    if isinstance(exc, Transient):
        # The call may have gone through (timeout, lost answer, 5xx after the write, a 200
        # we could not read): reconcile before the next call, or ask a person.
        if not (provider.supports_find_published or provider.supports_idempotency_key):
            return settle.unconfirmed(target, lease, message=_(
                "The platform did not answer clearly (%(m)s) and cannot be checked. Please "
                "look at the account and tell us whether the post went out.") % {"m": message})
        return settle.retry_later(target, lease, code="uncertain", message=message)
    if isinstance(exc, Rejected):
        return settle.fail(target, lease, code="rejected", message=exc.reason or message)
    if isinstance(exc, AuthExpired):
        return _auth_expired(target, lease, message)
    if isinstance(exc, NotSupported):
        return settle.fail(target, lease, code="not_supported", message=message)
    return settle.retry_later(target, lease, code="crash", message=message)


def _auth_expired(target: PostTarget, lease: str, message: str) -> str:
    from accounts.services.connected_accounts import (
        account_mark_needs_reconnect,
        account_refresh_tokens,
    )
    from content.pipeline.resume import pause_account_targets

    account = target.account
    if account.has_refresh_token and target.last_error_code != "auth_refreshed":
        try:
            refreshed = account_refresh_tokens(account_id=account.pk)
        except ProviderError:
            refreshed = False
        if refreshed:  # a 401 is certain: nothing was created, try again at once
            return settle.retry_later(target, lease, code="auth_refreshed",
                                      when=timezone.now(),
                                      message=_("The sign-in was renewed; trying again."))
    account_mark_needs_reconnect(account=account, reason=message)
    state = settle.pause(target, lease, code="account_needs_reconnect", message=_(
        "The account %(account)s needs reconnecting (%(m)s). The post goes out once it is "
        "reconnected.") % {"account": account.handle, "m": message})
    pause_account_targets(account=account)
    return state
