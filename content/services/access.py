"""Role and approval rules shared by the content services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership
from accounts.roles import RANK, Role, role_allows
from accounts.services.errors import ServiceError
from content.models import ApprovalStep, Decision, Post, PostApproval
from content.workflows import PostState


class Forbidden(ServiceError):
    def __init__(self, message=None):
        super().__init__(message or _("Your role does not allow this."), code="forbidden")


# The membership the services act with when a caller set one (see `acting_as`).
_acting: ContextVar[Membership | None] = ContextVar("content_acting_membership", default=None)


@contextmanager
def acting_as(membership: Membership) -> Iterator[Membership]:
    """Run content services with `membership` as the actor's membership in its organisation.

    For callers whose rights are not the stored membership's, e.g. an API token capped at a
    lower role: `with acting_as(capped): post_approve(post=..., actor=capped.user)` applies
    the capped role (and the member's account restrictions) exactly as the UI applies a
    person's role. It only applies to that user in that organisation; any other actor or
    organisation is looked up as usual. Nested uses restore the outer one on exit.
    """
    reset = _acting.set(membership)
    try:
        yield membership
    finally:
        _acting.reset(reset)


def membership_of(actor, organization) -> Membership:
    """The actor's membership in the organisation; Forbidden for anyone else."""
    if actor is None or not getattr(actor, "pk", None):
        raise Forbidden()
    acting = _acting.get()
    if acting is not None and acting.user_id == actor.pk \
            and acting.organization_id == organization.pk:
        return acting
    # Looked up once per request and organisation (a service may ask several times).
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


STALE_LINK = gettext_lazy(
    "This link was made for an approval step that is no longer open (the post changed or "
    "another step is next). Ask for a new link.")


def link_fits(link, post: Post, step) -> bool:
    """A link decides the step it was made for, in the round it was made in, only."""
    return (link.approval_round == post.approval_round
            and link.step_id == (step.pk if step else None)
            and (step is not None or not link.step_name))
