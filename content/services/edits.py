"""Editing a published post on its platform (Mastodon), or deleting and posting it again.

Where the platform edits in place (`provider.supports_edit`), `target_edit` sends the new text
and the media with their alt text to the platform and keeps the edit in the history
(`TargetEdit`: before, after, who, outcome); the local texts change only after the platform
took the edit, never silently on our side alone. Repeating an edit is harmless (the platform
replaces the content), so a failed edit is simply tried again by a person. Elsewhere
`target_delete_and_repost` deletes the post on that network and opens a draft copy of it.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.services.connected_accounts import account_mark_needs_reconnect
from accounts.services.errors import ServiceError
from content.models import EditStatus, Post, PostTarget, PostTargetMedia, TargetEdit
from content.services.access import require
from content.services.validation import problems_for
from content.workflows import TargetState
from lib.threads import has_parts, split_parts, thread_text
from platforms.base import MediaFile, PublishRequest
from platforms.errors import AuthExpired, ProviderError
from platforms.registry import UnknownProvider, get_provider, provider_name

STUCK = dt.timedelta(minutes=5)  # an edit still "editing" after this is taken as dead


def can_edit_on_platform(target: PostTarget) -> bool:
    try:
        return get_provider(target.account.provider).supports_edit
    except UnknownProvider:
        return False


def target_edit(*, target: PostTarget, actor, text: str,
                alt_texts: dict[int, str] | None = None) -> TargetEdit:
    """Edit the published post on its platform: the new `text` (the post itself; the parts of
    a thread keep theirs) and the alt text of each attachment (`alt_texts`: attachment id →
    text). Returns the recorded edit, `edited` or `failed` with the platform's reason."""
    post = target.post
    require(actor, post.organization, "post.publish")
    text = (text or "").strip()
    alt_texts = alt_texts or {}
    with transaction.atomic():
        locked = (PostTarget.objects.select_for_update().select_related("account", "post")
                  .prefetch_related("attachments__asset").get(pk=target.pk))
        _check(locked, text)
        attachments = list(locked.attachments.all())
        media = [(m.asset, alt_texts.get(m.pk, m.alt_text).strip()) for m in attachments]
        problems = problems_for(locked.account, text, media)
        if problems:
            raise ServiceError(" ".join(p.message for p in problems), code="invalid_content")
        edit = TargetEdit.objects.create(
            target=locked, text_before=locked.first_part_text, text_after=text,
            media=[[asset.pk, alt] for asset, alt in media], requested_by=actor)
    request = PublishRequest(text=text, media=[
        MediaFile(filename=asset.original_name or asset.file.name,
                  content_type=asset.content_type, size=asset.size,
                  alt_text=alt or asset.alt_text, width=asset.width, height=asset.height,
                  open=asset.file.open) for asset, alt in media])
    try:
        get_provider(locked.account.provider).edit(locked.account, locked.remote_id, request)
    except AuthExpired as exc:  # the account needs reconnecting: say so, everywhere
        account_mark_needs_reconnect(account=locked.account, reason=exc.message)
        return _finish(edit, EditStatus.FAILED, _("The platform refused the edit: %(reason)s")
                       % {"reason": exc.message or type(exc).__name__}, actor)
    except ProviderError as exc:
        return _finish(edit, EditStatus.FAILED, _("The platform refused the edit: %(reason)s")
                       % {"reason": exc.message or type(exc).__name__}, actor)
    except Exception as exc:  # the edit must not stay "editing" for ever
        _finish(edit, EditStatus.FAILED, _("An unexpected error stopped the edit "
                                           "(%(error)s).") % {"error": type(exc).__name__},
                actor)
        raise
    with transaction.atomic():
        parts = split_parts(locked.effective_text)
        new_text = thread_text([text, *parts[1:]]) if len(parts) > 1 else text
        PostTarget.objects.filter(pk=locked.pk).update(text=new_text,
                                                       updated_at=timezone.now())
        for attachment in attachments:
            PostTargetMedia.objects.filter(pk=attachment.pk).update(
                alt_text=alt_texts.get(attachment.pk, attachment.alt_text).strip())
        return _finish(edit, EditStatus.EDITED, "", actor)


def _check(target: PostTarget, text: str) -> None:
    if target.status != TargetState.PUBLISHED or not target.remote_id:
        raise ServiceError(_("Only a published post can be edited on its platform."),
                           code="not_published")
    if not can_edit_on_platform(target):
        raise ServiceError(_("%(platform)s does not let apps edit a published post. Delete it "
                             "there and post it again instead.")
                           % {"platform": provider_name(target.account.provider)},
                           code="not_editable")
    if not text:
        raise ServiceError(_("The post is empty: write a text."), code="empty")
    if has_parts(text):
        raise ServiceError(_("An edit changes one post: remove the line with the three "
                             "dashes."), code="thread")
    busy = TargetEdit.objects.filter(target=target, status=EditStatus.EDITING,
                                     requested_at__gt=timezone.now() - STUCK).exists()
    if busy:
        raise ServiceError(_("This post is being edited right now."), code="busy")


def _finish(edit: TargetEdit, status: str, error: str, actor) -> TargetEdit:
    TargetEdit.objects.filter(pk=edit.pk).update(status=status, last_error=error[:1000],
                                                 finished_at=timezone.now())
    edit.refresh_from_db()
    post = edit.target.post
    audit_record(organization=post.organization, actor=actor,
                 verb="content.target.edited" if status == EditStatus.EDITED
                 else "content.target.edit_failed", target=edit.target,
                 details={"post": post.pk, "account": edit.target.account.handle,
                          "reason": error[:200]})
    return edit


def target_delete_and_repost(*, target: PostTarget, actor) -> Post:
    """Where a platform cannot edit: delete the post on that network (as the delete dialog
    does) and open a draft copy for that account, to change and publish again."""
    from content.services.posts import post_delete, post_duplicate

    post = target.post
    require(actor, post.organization, "post.edit")
    with transaction.atomic():
        post_delete(post=post, actor=actor, target_ids=[target.pk])
        copy = post_duplicate(post=post, actor=actor)
        copy.targets.exclude(account_id=target.account_id).delete()
    return copy
