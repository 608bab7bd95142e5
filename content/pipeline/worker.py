"""The worker: publish one claimed target and settle its outcome.

`target_publish(target_id=…, lease=…)` is what the Celery task calls. It acts only while
the row carries the lease it was handed, re-validates the target, reconciles an
uncertain earlier attempt, calls the provider with the target's stable idempotency key,
and maps every outcome (typed provider errors, and anything unexpected) to a state:
nothing crashes the worker or loops on the same row.
"""

from __future__ import annotations

import logging

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.providers.base import MediaFile, PublishRequest
from accounts.providers.errors import (
    AuthExpired,
    NotSupported,
    ProviderError,
    RateLimited,
    Rejected,
    Transient,
)
from accounts.providers.registry import get_provider
from content.models import PostTarget
from content.pipeline import settle
from content.pipeline.checks import blocking_problem
from content.pipeline.dispatcher import parse_lease
from content.pipeline.ratelimit import account_limited_until, account_rate_limited
from content.pipeline.reconcile import reconcile
from content.workflows import TargetState

log = logging.getLogger(__name__)


def _load(target_id: int, lease: str) -> PostTarget | None:
    return (PostTarget.objects.select_related("post__organization", "post__author", "account")
            .prefetch_related("attachments__asset")
            .filter(pk=target_id, status=TargetState.PUBLISHING,
                    lease_expires_at=parse_lease(lease)).first())


def build_request(target: PostTarget) -> PublishRequest:
    media = [MediaFile(filename=m.asset.original_name or m.asset.file.name,
                       content_type=m.asset.content_type, size=m.asset.size,
                       alt_text=m.effective_alt_text, width=m.asset.width,
                       height=m.asset.height, open=m.asset.file.open)
             for m in target.attachments.all()]
    return PublishRequest(text=target.effective_text, media=media,
                          idempotency_key=str(target.idempotency_key),
                          link=target.post.link_url)


def target_publish(*, target_id: int, lease: str) -> str:
    """Run one claim. Returns the state the target ended in ('stale': not ours any more)."""
    target = _load(target_id, lease)
    if target is None:
        return "stale"
    try:
        return _run(target, lease)
    except Exception as exc:  # anything unexpected: record, push forward, never crash-loop
        log.exception("publishing target %s crashed", target_id)
        return settle.retry_later(
            target, lease, code="crash",
            message=_("An unexpected error stopped publishing (%(error)s); it is tried "
                      "again.") % {"error": type(exc).__name__})


def _run(target: PostTarget, lease: str) -> str:
    stop = blocking_problem(target)
    if stop is not None:
        if stop.to == TargetState.PAUSED:
            return settle.pause(target, lease, code=stop.code, message=stop.message)
        return settle.fail(target, lease, code=stop.code, message=stop.message)
    account = target.account
    until = account_limited_until(account.pk, target.next_attempt_at)
    if until is not None:  # the platform asked us to wait: no call, no attempt used
        return settle.retry_later(target, lease, code="rate_limited", count_attempt=False,
                                  when=until, message=_("Waiting for the platform's rate "
                                                        "limit to reset."))
    provider = get_provider(account.provider)
    request = build_request(target)
    try:
        if target.last_error_code in settle.UNCERTAIN:
            result = reconcile(provider, account, request)
            if result.found is not None:
                return _published(target, lease, result.found)
            if not result.safe_to_publish:
                return settle.unconfirmed(target, lease, message=_(
                    "The platform's answer was lost and it cannot be checked whether the "
                    "post went out. Please look at the account and tell us."))
        return _published(target, lease, provider.publish(account, request))
    except ProviderError as exc:
        return _on_error(target, lease, provider, exc)


def _published(target: PostTarget, lease: str, remote) -> str:
    if not remote.id:
        raise Transient(_("The platform answered without a post id."))
    settle.published(target, lease, remote_id=remote.id, url=remote.url or "",
                     at=remote.published_at)
    return TargetState.PUBLISHED


def _on_error(target: PostTarget, lease: str, provider, exc: ProviderError) -> str:
    message = exc.message or type(exc).__name__
    if isinstance(exc, RateLimited):
        until = account_rate_limited(target.account, retry_after=exc.retry_after)
        return settle.retry_later(target, lease, code="rate_limited", when=until,
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
