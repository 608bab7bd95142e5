from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import Membership
from accounts.roles import Role, grantable_roles
from accounts.services.errors import ServiceError


def _lock_owner_count(organization) -> int:
    # Lock the owners' rows so two concurrent demotions cannot both pass the check.
    return len(
        list(Membership.objects.select_for_update().filter(organization=organization).owners())
    )


def _guard_may_manage(actor_membership: Membership, target: Membership) -> None:
    if actor_membership.organization_id != target.organization_id:
        raise ServiceError(_("This person is not a member of this organisation."))
    if target.role == Role.OWNER and actor_membership.role != Role.OWNER:
        raise ServiceError(_("Only an owner can change or remove another owner."))


@transaction.atomic
def member_change_role(*, actor_membership: Membership, membership: Membership, role: str,
                       request=None) -> Membership:
    _guard_may_manage(actor_membership, membership)
    if role not in grantable_roles(actor_membership.role):
        raise ServiceError(_("You cannot give the role “%(role)s”.") % {"role": Role(role).label})
    if membership.role == role:
        return membership
    if membership.role == Role.OWNER and _lock_owner_count(membership.organization) <= 1:
        raise ServiceError(_("An organisation needs at least one owner. Make someone else an "
                             "owner first."), code="last_owner")
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        organization=membership.organization,
        actor=actor_membership.user,
        verb="accounts.member.role_changed",
        target=membership.user,
        details={"from": old, "to": role},
        request=request,
    )
    return membership


@transaction.atomic
def member_remove(*, actor_membership: Membership, membership: Membership, request=None) -> None:
    _guard_may_manage(actor_membership, membership)
    if membership.role == Role.OWNER and _lock_owner_count(membership.organization) <= 1:
        raise ServiceError(_("The last owner cannot be removed."), code="last_owner")
    audit_record(
        organization=membership.organization,
        actor=actor_membership.user,
        verb="accounts.member.removed",
        target=membership.user,
        details={"role": membership.role},
        request=request,
    )
    membership.delete()


@transaction.atomic
def member_leave(*, membership: Membership, request=None) -> None:
    if membership.role == Role.OWNER and _lock_owner_count(membership.organization) <= 1:
        raise ServiceError(
            _("You are the last owner. Make someone else an owner before you leave."),
            code="last_owner",
        )
    audit_record(
        organization=membership.organization,
        actor=membership.user,
        verb="accounts.member.left",
        target=membership.user,
        request=request,
    )
    membership.delete()
