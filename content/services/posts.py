"""Creating, editing, duplicating and deleting posts (content, not workflow)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.services.errors import Conflict, ServiceError
from content.models import Label, MediaAsset, Post, PostTarget, PostTargetMedia
from content.selectors import accounts_off_limits, usable_accounts
from content.services.access import require
from content.services.parts import sync_parts
from content.services.transitions import post_transition, require_action, target_transition
from content.workflows import Action, PostState, TargetState
from lib.text_input import text_problem

EDITABLE = {PostState.DRAFT, PostState.PENDING, PostState.CHANGES, PostState.APPROVED,
            PostState.SCHEDULED}
# Targets a person may still change; anything else is in (or past) the pipeline.
CHANGEABLE_TARGETS = {TargetState.PENDING, TargetState.SCHEDULED, TargetState.FAILED,
                      TargetState.PAUSED}


@dataclass
class PostData:
    """What the composer submits. Texts are per account; blank override = shared text."""

    text: str = ""
    account_ids: list[int] = field(default_factory=list)
    overrides: dict[int, str] = field(default_factory=dict)
    media: list[tuple[int, str]] = field(default_factory=list)  # (asset id, alt text)
    title: str = ""
    notes: str = ""
    label_ids: list[int] = field(default_factory=list)
    scheduled_at: dt.datetime | None = None
    timezone: str = ""
    link_url: str = ""
    # account id → the first comment sent right after the post on that account
    first_comments: dict[int, str] = field(default_factory=dict)


def post_data_problem(data: PostData, accounts: dict) -> str | None:
    """The first text of `data` the shared text rules (lib/text_input) refuse, saying which
    one; the forms and the API check their own fields the same way before this."""
    def named(account_id) -> str:
        account = accounts.get(account_id)
        return account.handle if account is not None else str(account_id)

    texts = [(_("Text"), data.text, "post_text"), (_("Internal notes"), data.notes, "note"),
             (_("Internal name"), data.title, "name")]
    texts += [(_("Text for %(account)s") % {"account": named(i)}, text, "post_text")
              for i, text in data.overrides.items()]
    texts += [(_("First comment for %(account)s") % {"account": named(i)}, text, "comment")
              for i, text in data.first_comments.items()]
    texts += [(_("Alt text"), alt, "alt_text") for _asset, alt in data.media]
    for where, text, kind in texts:
        problem = text_problem(text or "", kind)
        if problem:
            return f"{where}: {problem}"
    if len(data.title) > Post._meta.get_field("title").max_length:
        return _("Internal name: use at most %(n)s characters.") % {
            "n": Post._meta.get_field("title").max_length}
    return None


def _check(organization, membership, data: PostData) -> tuple[list, list, list]:
    allowed = {a.pk: a for a in usable_accounts(membership)}
    unknown = [i for i in data.account_ids if i not in allowed]
    if unknown:
        raise ServiceError(_("You cannot post to one of the chosen accounts."), code="account")
    problem = post_data_problem(data, allowed)
    if problem:
        raise ServiceError(problem, code="text")
    if not data.account_ids:
        raise ServiceError(_("Choose at least one account."), code="no_accounts")
    if not data.text.strip() and not data.media and not any(
            data.overrides.get(i, "").strip() for i in data.account_ids):
        raise ServiceError(_("The post is empty: write a text or add media."), code="empty")
    assets = {a.pk: a for a in MediaAsset.objects.for_org(organization)
              .filter(pk__in=[m for m, _alt in data.media])}
    if len(assets) != len({m for m, _alt in data.media}):
        raise ServiceError(_("One of the media files no longer exists."), code="media")
    labels = list(Label.objects.for_org(organization).filter(pk__in=data.label_ids))
    return [allowed[i] for i in dict.fromkeys(data.account_ids)], [
        (assets[m], alt) for m, alt in data.media], labels


def _sync_targets(post: Post, accounts, media, scheduled: bool) -> None:
    existing = {t.account_id: t for t in post.targets.select_for_update()}
    wanted = {a.pk for a in accounts}
    for account_id, target in existing.items():
        if account_id not in wanted:
            if target.status not in CHANGEABLE_TARGETS:
                raise ServiceError(_("An account that is being published to cannot be removed."),
                                   code="target_busy")
            target.delete()
    for account in accounts:
        target = existing.get(account.pk)
        if target is None:
            target = PostTarget.objects.create(post=post, account=account)
            if scheduled:
                target_transition(target, TargetState.SCHEDULED, audit=False,
                                  next_attempt_at=post.scheduled_at)
        elif target.status not in CHANGEABLE_TARGETS:
            raise ServiceError(_("This post is being published and cannot be changed now."),
                               code="target_busy")
        target.attachments.all().delete()
        PostTargetMedia.objects.bulk_create(
            PostTargetMedia(target=target, asset=asset, alt_text=alt, position=i)
            for i, (asset, alt) in enumerate(media)
        )


def _write(post: Post, data: PostData, accounts, media, labels) -> None:
    post.text = data.text
    post.title = data.title
    post.notes = data.notes
    post.link_url = data.link_url
    post.scheduled_at = data.scheduled_at
    post.timezone = data.timezone or post.timezone or post.organization.timezone
    if post.pk is None:
        post.save()
    else:  # never the status: only the transition services write it
        post.save(update_fields=["text", "title", "notes", "link_url", "scheduled_at",
                                 "timezone", "version", "updated_at"])
    post.labels.set(labels)
    _sync_targets(post, accounts, media, post.status == PostState.SCHEDULED)
    for account in accounts:
        PostTarget.objects.filter(post=post, account=account).update(
            text=data.overrides.get(account.pk, "").strip() and data.overrides[account.pk])
    for target in post.targets.select_related("account"):
        sync_parts(target, first_comment=data.first_comments.get(target.account_id, ""))


def post_create(*, organization, actor, data: PostData) -> Post:
    """A new draft."""
    membership = require(actor, organization, "post.edit")
    accounts, media, labels = _check(organization, membership, data)
    with transaction.atomic():
        post = Post(organization=organization, author=actor,
                    timezone=data.timezone or organization.timezone)
        _write(post, data, accounts, media, labels)
        audit_record(organization=organization, actor=actor, verb="content.post.created",
                     target=post, details={"accounts": [a.pk for a in accounts]})
    return post


def post_update(*, post: Post, actor, data: PostData, expected_version: int) -> Post:
    """Save edits made on `expected_version`; Conflict when someone saved in between.

    Changing what was approved sends the post back for approval where approval is
    required; moving a scheduled post moves its targets with it.
    """
    organization = post.organization
    membership = require(actor, organization, "post.edit")
    _refuse_off_limits(membership, post)
    accounts, media, labels = _check(organization, membership, data)
    if data.scheduled_at and data.scheduled_at != post.scheduled_at \
            and data.scheduled_at <= timezone.now() and post.status == PostState.SCHEDULED:
        raise ServiceError(_("Choose a time in the future."), code="past")
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        if locked.version != expected_version:
            raise Conflict(_("Someone else changed this post while you were editing it. "
                             "Reload to see their changes, then apply yours again."))
        if locked.status not in EDITABLE:
            raise ServiceError(_("This post can no longer be edited."), code="not_editable")
        require_action(locked, Action.EDIT)
        before = locked.content_hash()
        locked.version = F("version") + 1
        _write(locked, data, accounts, media, labels)
        locked.refresh_from_db()
        changed = locked.content_hash() != before
        audit_record(organization=organization, actor=actor, verb="content.post.updated",
                     target=locked, details={"content_changed": changed})
        _after_edit(locked, actor, changed)
    post.refresh_from_db()
    return post


def _refuse_off_limits(membership, post: Post) -> None:
    """A member may not edit a post that also goes to accounts they may not use: their
    edit could only keep or drop those targets blindly, so nobody's work is lost instead."""
    hidden = accounts_off_limits(membership, post)
    if hidden:
        raise ServiceError(
            _("This post also goes to %(names)s, which you may not use. Ask an admin or a "
              "colleague with access to edit it.") % {"names": ", ".join(a.handle for a in hidden)},
            code="accounts_off_limits")


def _after_edit(post: Post, actor, content_changed: bool) -> None:
    needs_review = post.organization.approval_required and content_changed
    if post.status in (PostState.APPROVED, PostState.SCHEDULED) and needs_review:
        _unschedule_targets(post, actor)
        post_transition(post, PostState.PENDING, actor=actor,
                        reason="content changed after approval",
                        approved_content_hash="", approval_round=post.approval_round + 1)
    elif post.status == PostState.PENDING and content_changed:
        # Step approvals given so far were for other content: the review starts over.
        Post.objects.filter(pk=post.pk).update(approval_round=F("approval_round") + 1)
    elif post.status == PostState.SCHEDULED:
        for target in post.targets.filter(status=TargetState.SCHEDULED):
            PostTarget.objects.filter(pk=target.pk, status=TargetState.SCHEDULED).update(
                next_attempt_at=post.scheduled_at)


def _unschedule_targets(post: Post, actor) -> None:
    for target in post.targets.select_for_update().filter(status=TargetState.SCHEDULED):
        target_transition(target, TargetState.PENDING, actor=actor, audit=False,
                          next_attempt_at=None)


def post_duplicate(*, post: Post, actor) -> Post:
    """A new draft with the same texts, accounts, media and labels (no time)."""
    require(actor, post.organization, "post.edit")
    with transaction.atomic():
        copy = Post.objects.create(
            organization=post.organization, author=actor, title=post.title, text=post.text,
            notes=post.notes, link_url=post.link_url, timezone=post.timezone)
        copy.labels.set(post.labels.all())
        for target in post.targets.prefetch_related("attachments", "parts"):
            new = PostTarget.objects.create(post=copy, account=target.account, text=target.text)
            sync_parts(new, first_comment=next((p.text for p in target.parts.all()
                                                if p.is_comment), ""))
            PostTargetMedia.objects.bulk_create(
                PostTargetMedia(target=new, asset_id=m.asset_id, alt_text=m.alt_text,
                                position=m.position) for m in target.attachments.all())
        audit_record(organization=post.organization, actor=actor, verb="content.post.duplicated",
                     target=copy, details={"source": post.pk})
    return copy


def post_delete(*, post: Post, actor, target_ids: list[int] | None = None) -> str:
    """Delete a draft, or delete a published post on the chosen networks (`target_ids`, all
    published ones when None). Returns "deleted" (a draft, gone), "deleting" (the platforms
    are being asked) or "archived" (nothing was left to delete on a platform)."""
    from content.services.deletion import request_deletion

    require(actor, post.organization, "post.edit")
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        if locked.status == PostState.ARCHIVED:
            raise ServiceError(_("This post was deleted already."), code="archived")
        require_action(locked, Action.DELETE)
        statuses = set(locked.targets.values_list("status", flat=True))
        if TargetState.PUBLISHING in statuses:
            raise ServiceError(_("This post is being published right now."), code="busy")
        if TargetState.PUBLISHED in statuses:
            request_deletion(post=locked, actor=actor, target_ids=target_ids)
            # What has not gone out yet never will: the post is being deleted.
            for target in locked.targets.filter(status__in=CHANGEABLE_TARGETS):
                target_transition(target, TargetState.CANCELLED, actor=actor, audit=False)
            locked.refresh_from_db()
            return "archived" if locked.status == PostState.ARCHIVED else "deleting"
        if TargetState.DELETED in statuses:  # deleted everywhere, only the archiving is left
            post_transition(locked, PostState.ARCHIVED, actor=actor, reason="deleted")
            return "archived"
        if locked.status not in (PostState.DRAFT, PostState.CHANGES, PostState.CANCELLED):
            raise ServiceError(_("Only drafts can be deleted. Cancel the post first."),
                               code="not_draft")
        audit_record(organization=locked.organization, actor=actor, verb="content.post.deleted",
                     target=locked, details={"title": str(locked)})
        locked.delete()
    return "deleted"
