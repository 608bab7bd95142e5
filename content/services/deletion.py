"""Deleting a published post on its platforms: chosen per network, carried out by a worker.

`request_deletion` (called by `post_delete` with the post locked) gives each chosen
published target a `TargetDeletion` row and queues the Celery task `content.delete_targets`.
The worker (`run_deletions`) claims each row by compare-and-set, so a duplicate message or
a second click calls the platform once; a worker that dies mid-call leaves a lease that
expires, and calling the platform again then is safe because every provider's delete
treats an already-deleted post as deleted. The outcome is recorded per network (deleted /
failed with the platform's reason / not possible on this platform), audited, and a
deleted target announces itself (`content.signals.target_deleted`, the `post.deleted`
webhook). Once nothing the platforms could delete is left live, the post is archived.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.services.errors import Conflict, ServiceError
from content.models import (
    DeletionStatus,
    PartState,
    Post,
    PostTarget,
    TargetDeletion,
    TargetPart,
)
from content.services.access import require
from content.services.transitions import post_transition, target_transition
from content.signals import target_deleted
from content.workflows import POST, PostState, TargetState
from lib.cas import compare_and_set
from platforms.errors import AuthExpired, NotSupported, ProviderError, Rejected, Transient
from platforms.registry import UnknownProvider, get_provider

log = logging.getLogger(__name__)

TASK = "content.delete_targets"
LEASE = dt.timedelta(minutes=2)
MAX_ATTEMPTS = 3  # automatic attempts after a temporary failure, then a person retries
RETRY_DELAYS = (30, 120)  # seconds before the 2nd and 3rd attempt


def can_delete_on_platform(target: PostTarget) -> bool:
    try:
        return get_provider(target.account.provider).supports_delete
    except UnknownProvider:
        return False


def not_possible_reason(target: PostTarget) -> str:
    name = platform_name(target)
    return _("%(platform)s's API cannot delete posts: remove it in the %(platform)s "
             "app.") % {"platform": name}


def platform_name(target: PostTarget) -> str:
    try:
        return get_provider(target.account.provider).name
    except UnknownProvider:
        return target.account.provider


def deletable_targets(post: Post) -> list[PostTarget]:
    """The targets a delete can still be asked for: live, with no deletion under way. Each
    carries `platform_name` and `can_delete_on_platform` for the dialog."""
    targets = [t for t in post.targets.select_related("account", "deletion")
               .filter(status=TargetState.PUBLISHED)
               if not hasattr(t, "deletion") or t.deletion.status == DeletionStatus.FAILED]
    for target in targets:
        target.platform_name = platform_name(target)
        target.can_delete_on_platform = can_delete_on_platform(target)
    return targets


def request_deletion(*, post: Post, actor, target_ids: list[int] | None) -> list[TargetDeletion]:
    """Ask for the chosen published targets to be deleted (all of them when None).

    Runs inside the caller's transaction with the post row locked; refuses a target
    that is already being deleted, so two clicks never make two deletions.
    """
    published = {t.pk: t for t in PostTarget.objects.select_for_update()
                 .select_related("account").filter(post=post, status=TargetState.PUBLISHED)}
    existing = {d.target_id: d for d in TargetDeletion.objects.filter(target__post=post)}
    ids = list(published) if target_ids is None else list(dict.fromkeys(target_ids))
    if not ids:
        raise ServiceError(_("Choose at least one network to delete the post from."),
                           code="no_networks")
    if any(i not in published for i in ids):
        raise ServiceError(_("One of the chosen networks has no published post to delete."),
                           code="not_published")
    busy = [published[i] for i in ids
            if i in existing and existing[i].status != DeletionStatus.FAILED]
    if busy:
        raise ServiceError(_("This post is already being deleted from %(names)s.")
                           % {"names": ", ".join(t.account.handle for t in busy)},
                           code="already_deleting")
    rows, queued = [], []
    for target_id in ids:
        target = published[target_id]
        possible = can_delete_on_platform(target)
        fields = {"status": DeletionStatus.QUEUED if possible else DeletionStatus.NOT_POSSIBLE,
                  "requested_by": actor, "attempts": 0, "lease_expires_at": None,
                  "last_error": "" if possible else not_possible_reason(target),
                  "finished_at": None if possible else timezone.now()}
        row, _created = TargetDeletion.objects.update_or_create(target=target, defaults=fields)
        rows.append(row)
        if possible:
            queued.append(row.pk)
    audit_record(organization=post.organization, actor=actor,
                 verb="content.post.delete_requested", target=post,
                 details={"accounts": [published[i].account.handle for i in ids],
                          "not_possible": [r.target.account.handle for r in rows
                                           if r.status == DeletionStatus.NOT_POSSIBLE]})
    if queued:
        _enqueue(queued)
    archive_if_gone(post)
    return rows


def deletion_retry(*, deletion: TargetDeletion, actor) -> TargetDeletion:
    """Try a failed (or stuck) delete again. Safe: a post already gone counts as deleted."""
    post = deletion.target.post
    require(actor, post.organization, "post.edit")
    now = timezone.now()
    with transaction.atomic():
        changed = TargetDeletion.objects.filter(pk=deletion.pk).filter(
            Q(status=DeletionStatus.FAILED)
            | Q(status=DeletionStatus.DELETING, lease_expires_at__lt=now)).update(
            status=DeletionStatus.QUEUED, attempts=0, lease_expires_at=None, finished_at=None,
            requested_by=actor)
        if not changed:
            raise Conflict(_("This delete is not waiting for a retry any more. Reload the "
                             "page to see where it stands."))
        audit_record(organization=post.organization, actor=actor,
                     verb="content.target.delete_retried", target=deletion.target,
                     details={"post": post.pk, "account": deletion.target.account.handle})
        _enqueue([deletion.pk])
    deletion.refresh_from_db()
    return deletion


def _delete_parts(provider, target: PostTarget) -> None:
    """A thread goes with its post: its published parts and first comment (separate posts on
    the networks with threads) are deleted first, last part first. Each one deleted is
    recorded, so a retry after a failure goes on where this one stopped. Comments on the
    other networks disappear with their post."""
    # what has not gone out yet never will: the post is being deleted
    TargetPart.objects.filter(target=target, status__in=(
        PartState.WAITING, PartState.SCHEDULED, PartState.FAILED)).update(
        status=PartState.CANCELLED, updated_at=timezone.now())
    if not provider.supports_threads:
        return
    for part in (TargetPart.objects.filter(target=target, status=PartState.SENT)
                 .exclude(remote_id="").order_by("-position")):
        provider.delete(target.account, part.remote_id)
        compare_and_set(part, expected=PartState.SENT, to=PartState.DELETED,
                        updated_at=timezone.now())


@dataclass
class Attempt:
    status: str
    retry_in: int | None = None  # seconds until the worker should try this one again


def run_deletions(deletion_ids: list[int]) -> dict[int, Attempt]:
    """Worker: one attempt at each queued deletion that this run manages to claim."""
    return {pk: attempt for pk in deletion_ids
            if (attempt := _run_one(pk)) is not None}


def _claim(deletion_id: int) -> TargetDeletion | None:
    now = timezone.now()
    lease = now + LEASE
    claimed = TargetDeletion.objects.filter(pk=deletion_id).filter(
        Q(status=DeletionStatus.QUEUED)
        | Q(status=DeletionStatus.DELETING, lease_expires_at__lt=now)).update(
        status=DeletionStatus.DELETING, lease_expires_at=lease, attempts=F("attempts") + 1)
    if not claimed:
        return None  # done, or another worker holds it
    return TargetDeletion.objects.select_related(
        "target__account", "target__post__organization", "requested_by").get(pk=deletion_id)


def _run_one(deletion_id: int) -> Attempt | None:
    deletion = _claim(deletion_id)
    if deletion is None:
        return None
    target = deletion.target
    if target.status != TargetState.PUBLISHED or not target.remote_id:
        return _fail(deletion, _("There is no published post on this network to delete."))
    try:
        provider = get_provider(target.account.provider)
        _delete_parts(provider, target)
        provider.delete(target.account, target.remote_id)
    except NotSupported:
        return _settle(deletion, DeletionStatus.NOT_POSSIBLE, not_possible_reason(target))
    except AuthExpired as exc:
        from accounts.services.connected_accounts import account_mark_needs_reconnect

        account_mark_needs_reconnect(account=target.account, reason=exc.message)
        return _fail(deletion, _("The account %(account)s needs reconnecting (%(m)s). "
                                 "Reconnect it, then retry.")
                     % {"account": target.account.handle, "m": exc.message})
    except Rejected as exc:
        return _fail(deletion, _("The platform refused to delete the post: %(reason)s")
                     % {"reason": exc.reason})
    except Transient as exc:
        if deletion.attempts < MAX_ATTEMPTS:
            return _again(deletion, exc)
        return _fail(deletion, _("The platform could not be reached: %(reason)s")
                     % {"reason": exc.message or type(exc).__name__})
    except (ProviderError, UnknownProvider) as exc:
        return _fail(deletion, str(exc) or type(exc).__name__)
    except Exception as exc:  # a bug must not leave the row claimed for ever
        log.exception("deleting target %s crashed", target.pk)
        return _fail(deletion, _("An unexpected error stopped the delete (%(error)s).")
                     % {"error": type(exc).__name__})
    return _settle(deletion, DeletionStatus.DELETED, "")


def _again(deletion: TargetDeletion, exc: Transient) -> Attempt:
    delay = getattr(exc, "retry_after", None) or RETRY_DELAYS[deletion.attempts - 1]
    compare_and_set(deletion, expected=DeletionStatus.DELETING, to=DeletionStatus.QUEUED,
                    where={"lease_expires_at": deletion.lease_expires_at},
                    lease_expires_at=None,
                    last_error=(exc.message or type(exc).__name__)[:1000])
    return Attempt(DeletionStatus.QUEUED, retry_in=int(delay))


def _fail(deletion: TargetDeletion, reason: str) -> Attempt:
    return _settle(deletion, DeletionStatus.FAILED, reason)


def _settle(deletion: TargetDeletion, status: str, reason: str) -> Attempt:
    target = deletion.target
    post = target.post
    with transaction.atomic():
        Post.objects.select_for_update().filter(pk=post.pk).first()  # serialise with archiving
        changed = compare_and_set(
            deletion, expected=DeletionStatus.DELETING, to=status,
            where={"lease_expires_at": deletion.lease_expires_at},
            lease_expires_at=None, finished_at=timezone.now(), last_error=reason[:1000])
        if not changed:  # our lease ran out and another run took over: its result counts
            log.info("deletion %s: lease lost, result of this run dropped", deletion.pk)
            return Attempt(DeletionStatus.DELETING)
        details = {"post": post.pk, "account": target.account.handle,
                   "requested_by": deletion.requested_by_id}
        if status == DeletionStatus.DELETED:
            target_transition(target, TargetState.DELETED, actor=None,
                              reason="deleted on the platform", details=details)
            target_deleted.send(sender=PostTarget, target=target)
        else:
            audit_record(organization=post.organization, actor=None,
                         verb=f"content.target.delete_{status}", target=target,
                         details={**details, "reason": reason[:500]})
        archive_if_gone(post)
    return Attempt(status)


def archive_if_gone(post: Post) -> bool:
    """Archive the post once no target is live that the platforms could still delete."""
    post = Post.objects.get(pk=post.pk)
    live = (post.targets.filter(status__in=(TargetState.PUBLISHED, TargetState.PUBLISHING,
                                            TargetState.UNCONFIRMED))
            .exclude(deletion__status=DeletionStatus.NOT_POSSIBLE))
    if live.exists() or not post.targets.filter(deletion__isnull=False).exists():
        return False
    if not POST.allows(post.status, PostState.ARCHIVED):
        return False
    post_transition(post, PostState.ARCHIVED, actor=None, reason="deleted on the platforms")
    return True


def _enqueue(deletion_ids: list[int], countdown: int = 0) -> None:
    """Queue the worker on commit, by task name (services do not import tasks)."""
    ids = list(deletion_ids)

    def send() -> None:
        from celery import current_app

        if current_app.conf.task_always_eager:  # tests and dev: run in-process, registered
            current_app.loader.import_default_modules()
            current_app.tasks[TASK].apply_async((ids,), countdown=countdown)
        else:
            current_app.send_task(TASK, (ids,), countdown=countdown)

    transaction.on_commit(send)
