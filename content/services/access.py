"""Role and approval rules shared by the content services."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.roles import RANK, Role, role_allows
from accounts.services.errors import ServiceError
from content.models import ApprovalStep, Decision, Post, PostApproval
from content.workflows import PostState


class Forbidden(ServiceError):
    def __init__(self, message=None):
        super().__init__(message or _("Your role does not allow this."), code="forbidden")


def membership_of(actor, organization) -> Membership:
    """The actor's membership in the organisation; Forbidden for anyone else."""
    if actor is None or not getattr(actor, "pk", None):
        raise Forbidden()
    cached = getattr(actor, "_content_memberships", None)
    if cached is None:
        cached = actor._content_memberships = {}
    if organization.pk not in cached:
        cached[organization.pk] = Membership.objects.filter(
            user=actor, organization=organization).first()
    membership = cached[organization.pk]
    if membership is None:
        raise Forbidden()
    return membership


def require(actor, organization, perm: str) -> Membership:
    membership = membership_of(actor, organization)
    if not role_allows(membership.role, perm):
        raise Forbidden()
    return membership


def steps_for(organization) -> list[ApprovalStep]:
    return list(ApprovalStep.objects.for_org(organization).prefetch_related("members"))


def holds_step(membership: Membership, step: ApprovalStep | None) -> bool:
    """Who may decide a step: its named members, or anyone at least its role.

    `None` is the implicit single step when the organisation defines none: approvers.
    """
    if step is None:
        return role_allows(membership.role, "post.approve")
    if any(m.pk == membership.user_id for m in step.members.all()):
        return True
    return bool(step.role) and RANK[Role(membership.role)] >= RANK[Role(step.role)]


def approved_step_ids(post: Post) -> set[int | None]:
    """Steps approved in the current round (None = the implicit step)."""
    return set(
        PostApproval.objects.filter(post=post, round=post.approval_round,
                                    decision=Decision.APPROVED).values_list("step_id", flat=True)
    )


def open_step(post: Post, steps: list[ApprovalStep]) -> tuple[bool, ApprovalStep | None]:
    """(anything left?, the next step to decide). Steps are decided in order."""
    done = approved_step_ids(post)
    if not steps:
        return (None not in done, None)
    for step in steps:
        if step.pk not in done:
            return True, step
    return False, None


def approval_valid(post: Post) -> bool:
    """The post was approved and its content is still what was approved."""
    return (post.status in (PostState.APPROVED, PostState.SCHEDULED)
            and bool(post.approved_content_hash)
            and post.approved_content_hash == post.content_hash())


def can_approve_now(membership: Membership, post: Post) -> bool:
    if post.status != PostState.PENDING or not role_allows(membership.role, "post.edit"):
        return False
    remaining, step = open_step(post, steps_for(post.organization))
    return remaining and holds_step(membership, step)
