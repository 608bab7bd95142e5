"""Checking a post's content per account with the provider's own rules."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.models import AccountStatus, ConnectedAccount
from accounts.services.errors import ServiceError
from content.models import MediaAsset
from lib.threads import join_parts, split_parts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AccountProblem:
    account: ConnectedAccount
    code: str
    message: str
    field: str = "text"


def _media_files(items: list[tuple[MediaAsset, str]]):
    from platforms.base import MediaFile

    return [
        MediaFile(filename=asset.original_name or asset.file.name, content_type=asset.content_type,
                  size=asset.size, alt_text=alt or asset.alt_text, width=asset.width,
                  height=asset.height, open=asset.file.open)
        for asset, alt in items
    ]


def _validate_parts(provider, account, text: str, media, comment: str) -> list:
    """A thread is checked part by part (media go with the first part); a network without
    threads gets the parts joined into one text, and is checked as that. The first comment
    is checked as a text of its own."""
    from platforms.base import Problem

    parts = split_parts(text) if provider.supports_threads else [join_parts(text)]
    found = list(provider.validate(account, parts[0], media))
    if len(parts) > 1:
        found = [Problem(p.code, _("Part %(n)d of %(total)d: %(message)s")
                         % {"n": 1, "total": len(parts), "message": p.message}, p.field)
                 for p in found]
    for n, part in enumerate(parts[1:], start=2):
        found += [Problem(p.code, _("Part %(n)d of %(total)d: %(message)s")
                          % {"n": n, "total": len(parts), "message": p.message}, p.field)
                  for p in provider.validate(account, part, [])]
    if comment.strip():
        if not provider.supports_first_comment:
            found.append(Problem("no_first_comment", _("%(platform)s does not take a first "
                                                       "comment from us.")
                                 % {"platform": provider.name}, "first_comment"))
        else:
            found += [Problem(p.code, _("First comment: %(message)s") % {"message": p.message},
                              "first_comment")
                      for p in provider.validate(account, comment, [])]
    return found


def problems_for(account: ConnectedAccount, text: str,
                 media: list[tuple[MediaAsset, str]], *,
                 comment: str = "") -> list[AccountProblem]:
    """The provider's `validate()` problems for this text (each part of a thread) and media
    on this account, and for its first comment."""
    from platforms.errors import ProviderError
    from platforms.registry import UnknownProvider, get_provider

    out: list[AccountProblem] = []
    if account.status != AccountStatus.ACTIVE or account.disconnected_at:
        out.append(AccountProblem(account, "account_inactive",
                                  _("This account needs reconnecting before posting."), "account"))
    try:
        provider = get_provider(account.provider)
    except ImportError:
        log.warning("provider %s cannot be imported", account.provider)
        return out
    except UnknownProvider:
        return [*out, AccountProblem(account, "provider_off",
                                     _("This platform is switched off on this server."),
                                     "account")]
    try:
        found = _validate_parts(provider, account, text, _media_files(media), comment)
    except ProviderError:
        # Fail closed: without the platform's rules nothing is submitted or scheduled.
        return [*out, AccountProblem(account, "unchecked",
                                     _("The platform's rules could not be loaded right now. "
                                       "Try again in a moment."), "account")]
    except ImportError:
        # The platform module (or its rules) is not part of this build yet: the pipeline
        # re-validates at publish time, so this only loses the early warning.
        log.warning("provider %s cannot validate: module missing", account.provider)
        return out
    for problem in found:
        out.append(AccountProblem(account, problem.code, str(problem.message), problem.field))
    return out


def ensure_publishable(post) -> None:
    """Refuse to submit/schedule a post that is empty, has no account or breaks a limit."""
    targets = list(post.targets.select_related("account")
                   .prefetch_related("attachments__asset", "parts"))
    if not targets:
        raise ServiceError(_("Choose at least one account."), code="no_accounts")
    messages = []
    for target in targets:
        media = [(m.asset, m.alt_text) for m in target.attachments.all()]
        text = target.effective_text
        if not text.strip() and not media:
            raise ServiceError(_("The post is empty: write a text or add media."), code="empty")
        comment = next((p.text for p in target.parts.all() if p.is_comment), "")
        for problem in problems_for(target.account, text, media, comment=comment):
            messages.append(f"{target.account.handle}: {problem.message}")
    if messages:
        raise ServiceError(" ".join(messages), code="invalid_content")
