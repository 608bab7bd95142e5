from accounts.services.errors import ServiceError
from accounts.services.invitations import (
    invitation_accept,
    invitation_create,
    invitation_for_token,
    invitation_revoke,
    invitation_token,
)
from accounts.services.memberships import member_change_role, member_leave, member_remove
from accounts.services.organizations import organization_create, organization_update

__all__ = [
    "ServiceError",
    "invitation_accept",
    "invitation_create",
    "invitation_for_token",
    "invitation_revoke",
    "invitation_token",
    "member_change_role",
    "member_leave",
    "member_remove",
    "organization_create",
    "organization_update",
]
