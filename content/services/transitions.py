"""The only writers of Post.status and PostTarget.status.

Each transition is a compare-and-set (`lib.cas`): `UPDATE … WHERE id = … AND status =
<expected>`.
No row changed means someone else moved the object first → `Conflict`. The audit
entry is written in the same transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.services.errors import Conflict, ServiceError
from content.models import Post, PostTarget
from content.nav_counts import nav_counts_invalidate
from content.signals import approval_requested, targets_settled
from content.workflows import POST, TARGET, Phase, allowed_actions, post_phase, refusal
from lib.cas import compare_and_set

# Audit verbs: content.post.<to> / content.target.<to>
POST_VERBS = {
    "pending_approval": "content.post.submitted",
    "changes_requested": "content.post.changes_requested",
    "approved": "content.post.approved",
    "scheduled": "content.post.scheduled",
    "cancelled": "content.post.cancelled",
    "archived": "content.post.archived",
    "draft": "content.post.returned_to_draft",
}


def require_action(post: Post, action: str) -> str:
    """Refuse `action` unless the post's phase allows it (`content.workflows.ACTIONS`).

    Call it inside the transaction, on the post row locked with select_for_update: the
    targets are locked here too, so the phase cannot change between check and write
    (a second "Publish now" from another tab waits, then finds the post publishing).
    Returns the phase.
    """
    targets = list(PostTarget.objects.select_for_update().filter(post_id=post.pk)
                   .order_by("pk"))
    phase = post_phase(post.status, targets)
    if action not in allowed_actions(phase):
        busy = phase in (Phase.QUEUED, Phase.PUBLISHING)
        raise ServiceError(refusal(phase, action), code="busy" if busy else "state")
    return phase


def post_transition(post: Post, to: str, *, actor, reason: str = "",
                    expected: str | None = None, details: dict | None = None,
                    request=None, **fields) -> Post:
    """Move `post` from `expected` (default: its current status) to `to`.

    Extra `fields` are written in the same UPDATE (e.g. scheduled_at).
    """
    source = expected or post.status
    if to not in POST.names:
        raise ValueError(f"unknown post state {to!r}")
    if not POST.allows(source, to):
        raise ServiceError(
            _("A post that is “%(source)s” cannot become “%(to)s”.")
            % {"source": POST.label(source), "to": POST.label(to)},
            code="illegal_transition",
        )
    with transaction.atomic():
        if not compare_and_set(post, expected=source, to=to, updated_at=timezone.now(),
                               **fields):
            raise Conflict(_("Someone else changed this post in the meantime. "
                             "Reload it to see the current state."))
        nav_counts_invalidate(post.organization_id)  # an UPDATE: no post_save
        audit_record(organization=post.organization, actor=actor,
                     verb=POST_VERBS.get(to, f"content.post.{to}"), target=post,
                     details={"from": source, "to": to, "reason": reason, **(details or {})},
                     request=request)
    if to == "pending_approval":
        approval_requested.send(sender=Post, post=post, actor=actor)
    return post


def target_transition(target: PostTarget, to: str, *, actor=None, reason: str = "",
                      expected: str | None = None, audit: bool = True,
                      details: dict | None = None, **fields) -> PostTarget:
    """Move `target` from `expected` (default: its current status) to `to`.

    Extra `fields` (next_attempt_at, lease_expires_at, remote_id, …) are written in
    the same UPDATE. `audit=False` is for high-volume pipeline steps (lease claims)
    whose outcome is audited when it settles.
    """
    source = expected or target.status
    if to not in TARGET.names:
        raise ValueError(f"unknown target state {to!r}")
    if not TARGET.allows(source, to):
        raise ServiceError(
            _("A delivery that is “%(source)s” cannot become “%(to)s”.")
            % {"source": TARGET.label(source), "to": TARGET.label(to)},
            code="illegal_transition",
        )
    with transaction.atomic():
        if not compare_and_set(target, expected=source, to=to, updated_at=timezone.now(),
                               **fields):
            raise Conflict(_("This delivery was changed by someone else in the meantime."))
        if audit:
            audit_record(organization=target.post.organization, actor=actor,
                         verb=f"content.target.{to}", target=target,
                         details={"from": source, "to": to, "reason": reason,
                                  "post": target.post_id, **(details or {})})
    if to in ("published", "failed"):
        targets_settled.send(sender=PostTarget, targets=[target])
    return target
