"""Re-validation at execution time: is this target still allowed to go out, as it stands?

The schedule was checked when it was made; by the time a worker runs, the post may have
been changed or unapproved, the account disconnected or waiting for a reconnect, a media
file deleted or the platform switched off. Fail closed: anything doubtful stops here
with a state and a reason people can see.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from content.models import PostTarget
from content.pipeline.providers import provider_for
from content.services.access import approval_valid
from content.workflows import PostState, TargetState
from platforms.registry import UnknownProvider


@dataclass(frozen=True)
class Stop:
    to: str  # failed | paused
    code: str
    message: str


def blocking_problem(target: PostTarget) -> Stop | None:
    post, account = target.post, target.account
    if post.status != PostState.SCHEDULED:
        return Stop(TargetState.FAILED, "not_scheduled",
                    _("The post is no longer scheduled, so it was not published."))
    if post.organization.approval_required and not approval_valid(post):
        return Stop(TargetState.FAILED, "not_approved",
                    _("The post changed after it was approved, so it was not published. "
                      "Have it approved again."))
    if not account.is_connected:
        return Stop(TargetState.FAILED, "account_disconnected",
                    _("The account %(account)s was disconnected, so nothing was published "
                      "to it.") % {"account": account.handle})
    if not account.is_usable:
        return Stop(TargetState.PAUSED, "account_needs_reconnect",
                    _("The account %(account)s needs reconnecting. The post goes out once "
                      "it is reconnected.") % {"account": account.handle})
    try:
        provider_for(account.provider)
    except UnknownProvider:
        return Stop(TargetState.FAILED, "provider_off",
                    _("This platform is switched off on this server."))
    attachments = target.attachments.all()  # prefetched by the worker
    for attachment in attachments:
        asset = attachment.asset
        if not asset.file or not asset.file.storage.exists(asset.file.name):
            return Stop(TargetState.FAILED, "media_missing",
                        _("The media file “%(name)s” no longer exists. Replace it and try "
                          "again.") % {"name": asset.original_name or asset.file.name})
    if not (target.effective_text.strip() or attachments):
        return Stop(TargetState.FAILED, "empty", _("The post is empty."))
    return None
