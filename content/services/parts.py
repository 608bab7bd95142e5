"""A target's thread parts and first comment, kept in step with what the composer saved."""

from __future__ import annotations

from content.models import PartKind, PartState, PostTarget, TargetPart
from lib.threads import split_into_parts, split_parts, thread_text
from platforms.registry import UnknownProvider, get_provider


def takes_threads(provider_key: str) -> bool:
    try:
        return get_provider(provider_key).supports_threads
    except (UnknownProvider, ImportError):
        return False


def wanted_parts(target: PostTarget, first_comment: str) -> list[tuple[str, str]]:
    """(kind, text) of every part after the target's own, in sending order."""
    parts: list[tuple[str, str]] = []
    if takes_threads(target.account.provider):
        parts += [(PartKind.THREAD, text) for text in split_parts(target.effective_text)[1:]]
    if first_comment.strip():
        parts.append((PartKind.COMMENT, first_comment.strip()))
    return parts


def sync_parts(target: PostTarget, *, first_comment: str = "") -> list[TargetPart]:
    """Rewrite the target's parts from its text and `first_comment`. Called while the target
    can still be changed (nothing of it has gone out); unchanged parts keep their rows and
    with them their idempotency keys."""
    wanted = wanted_parts(target, first_comment)
    existing = list(TargetPart.objects.filter(target=target).order_by("position"))
    if [(p.kind, p.text) for p in existing] == wanted:
        return existing
    TargetPart.objects.filter(target=target).delete()
    return TargetPart.objects.bulk_create(
        TargetPart(target=target, kind=kind, position=n, text=text, status=PartState.WAITING)
        for n, (kind, text) in enumerate(wanted, start=1))


def first_comment_of(target: PostTarget) -> str:
    return next((p.text for p in target.parts.all() if p.kind == PartKind.COMMENT), "")


def takes_first_comment(provider_key: str) -> bool:
    try:
        return get_provider(provider_key).supports_first_comment
    except (UnknownProvider, ImportError):
        return False


def split_for_accounts(text: str, accounts) -> tuple[str, int]:
    """`text` split at sentence ends so that every part fits each of `accounts` that takes
    threads, counted by that network's rule; (the text with separator lines, part count)."""
    from django.utils.translation import gettext as _

    from accounts.services.errors import ServiceError
    from lib.counting import count_bytes, text_length
    from platforms.errors import ProviderError

    limits = []
    for account in accounts:
        if not takes_threads(account.provider):
            continue
        try:
            limits.append(get_provider(account.provider).limits(account))
        except ProviderError:
            raise ServiceError(_("The platform's rules could not be loaded right now. Try "
                                 "again in a moment."), code="unchecked") from None
    if not limits:
        raise ServiceError(_("Choose an account on X, Bluesky or Mastodon to write a "
                             "thread."), code="no_thread_account")
    if not text.strip():
        raise ServiceError(_("Write the text first."), code="empty")

    def fits(part: str) -> bool:
        return all(text_length(part, lim.counting, url_length=lim.url_length) <= lim.max_chars
                   and (lim.max_bytes is None or count_bytes(part) <= lim.max_bytes)
                   for lim in limits)

    parts = split_into_parts(text, fits)
    return thread_text(parts), len(parts)
