"""Reconciling an uncertain publish before any new call: exactly once, never a blind retry.

A target is uncertain when its lease expired (the worker died, maybe mid-call), or a
call timed out, lost its answer or crashed after sending. Before publishing again:
- the platform can be asked (`find_published`): found → published; surely absent → publish;
- it cannot be asked but takes an idempotency key: publishing again with the target's
  stable key returns the post that already exists instead of making a second one;
- neither: the outcome cannot be known → `unconfirmed`, and a person decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from platforms.base import Provider, PublishRequest, RemotePost
from platforms.errors import NotSupported


@dataclass(frozen=True)
class Reconciled:
    found: RemotePost | None  # the post already on the platform
    safe_to_publish: bool  # no post yet (or a repeat call is harmless)


def reconcile(provider: Provider, account, request: PublishRequest) -> Reconciled:
    """Provider errors other than NotSupported propagate: the caller retries later."""
    if provider.supports_find_published:
        try:
            found = provider.find_published(account, request)
        except NotSupported:
            pass
        else:
            return Reconciled(found=found, safe_to_publish=found is None)
    return Reconciled(found=None, safe_to_publish=provider.supports_idempotency_key)
