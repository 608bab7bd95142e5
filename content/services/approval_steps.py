"""The organisation's approval steps (e.g. legal, then team lead), kept by admins.

A post is approved when every step is, in order (content.services.access). Fail-closed:
any change to the steps restarts the review of posts waiting for approval, so no post is
approved under rules that no longer exist, and none is left with no step to decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import Membership
from accounts.roles import RANK, Role, role_allows
from accounts.services.errors import ServiceError
from content.models import ApprovalStep, Post
from content.services.access import require
from content.workflows import PostState

# Least role that may hold a step by role: deciding a step is approving.
STEP_ROLES = [r for r in Role if RANK[r] >= RANK[Role.APPROVER]]


@dataclass
class StepData:
    name: str
    role: str = ""
    member_ids: list[int] = field(default_factory=list)


def eligible_members(organization):
    """Members who may hold a step by name: anyone who may edit posts (deciding needs it)."""
    return [m for m in Membership.objects.filter(organization=organization)
            .select_related("user").order_by("user__email")
            if role_allows(m.role, "post.edit")]


def _clean(organization, data: StepData):
    name = (data.name or "").strip()
    if not name:
        raise ServiceError(_("Give the step a name, for example “Legal”."), code="name")
    if len(name) > 80:
        raise ServiceError(_("The name is too long (at most 80 characters)."), code="name")
    if data.role and data.role not in STEP_ROLES:
        raise ServiceError(_("Choose approver, admin or owner as the role."), code="role")
    eligible = {m.user_id: m.user for m in eligible_members(organization)}
    if any(i not in eligible for i in data.member_ids):
        raise ServiceError(_("Only members who may edit posts can hold a step."),
                           code="members")
    if not data.role and not data.member_ids:
        raise ServiceError(_("Choose a role or at least one member to hold the step."),
                           code="holder")
    return name, [eligible[i] for i in dict.fromkeys(data.member_ids)]


def _restart_pending(organization, actor) -> int:
    """Posts waiting for approval start a new round under the changed steps."""
    restarted = Post.objects.for_org(organization).filter(status=PostState.PENDING) \
        .update(approval_round=F("approval_round") + 1)
    if restarted:
        audit_record(organization=organization, actor=actor,
                     verb="content.approval.restarted", details={"posts": restarted})
    return restarted


def _details(step: ApprovalStep, members) -> dict:
    return {"name": step.name, "role": step.role, "members": [u.pk for u in members],
            "order": step.order}


def approval_step_create(*, organization, actor, data: StepData) -> tuple[ApprovalStep, int]:
    """Append a step. Returns the step and how many posts restarted their review."""
    require(actor, organization, "org.settings")
    name, members = _clean(organization, data)
    with transaction.atomic():
        last = ApprovalStep.objects.for_org(organization).select_for_update() \
            .aggregate(m=Max("order"))["m"]
        step = ApprovalStep.objects.create(organization=organization, name=name,
                                           role=data.role, order=(last or 0) + 1)
        step.members.set(members)
        audit_record(organization=organization, actor=actor,
                     verb="content.approval_step.created", target=step,
                     details=_details(step, members))
        restarted = _restart_pending(organization, actor)
    return step, restarted


def approval_step_update(*, step: ApprovalStep, actor, data: StepData) -> int:
    organization = step.organization
    require(actor, organization, "org.settings")
    name, members = _clean(organization, data)
    with transaction.atomic():
        step.name, step.role = name, data.role
        step.save(update_fields=["name", "role"])
        step.members.set(members)
        audit_record(organization=organization, actor=actor,
                     verb="content.approval_step.updated", target=step,
                     details=_details(step, members))
        return _restart_pending(organization, actor)


def approval_step_delete(*, step: ApprovalStep, actor) -> int:
    organization = step.organization
    require(actor, organization, "org.settings")
    with transaction.atomic():
        audit_record(organization=organization, actor=actor,
                     verb="content.approval_step.deleted", target=step,
                     details={"name": step.name})
        step.delete()
        _renumber(organization)
        return _restart_pending(organization, actor)


def approval_step_move(*, step: ApprovalStep, actor, direction: str) -> int:
    """Swap the step with its neighbour ("up" or "down"); at either end nothing changes."""
    organization = step.organization
    require(actor, organization, "org.settings")
    if direction not in ("up", "down"):
        raise ServiceError(_("Unknown direction."), code="direction")
    with transaction.atomic():
        steps = list(ApprovalStep.objects.for_org(organization).select_for_update())
        index = next(i for i, s in enumerate(steps) if s.pk == step.pk)
        other = index - 1 if direction == "up" else index + 1
        if other < 0 or other >= len(steps):
            return 0
        steps[index], steps[other] = steps[other], steps[index]
        _save_order(steps)
        audit_record(organization=organization, actor=actor,
                     verb="content.approval_step.moved", target=step,
                     details={"direction": direction, "order": [s.name for s in steps]})
        return _restart_pending(organization, actor)


def _renumber(organization) -> None:
    _save_order(list(ApprovalStep.objects.for_org(organization).select_for_update()))


def _save_order(steps: list[ApprovalStep]) -> None:
    for position, item in enumerate(steps, start=1):
        if item.order != position:
            ApprovalStep.objects.filter(pk=item.pk).update(order=position)
            item.order = position
