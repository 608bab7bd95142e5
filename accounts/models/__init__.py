from accounts.models.audit import AuditEntry
from accounts.models.connected import AccountAccess, AccountStatus, ConnectedAccount, PlatformApp
from accounts.models.instance_apps import InstanceAppRegistration
from accounts.models.invitations import Invitation
from accounts.models.organizations import Membership, Organization
from accounts.models.users import User

__all__ = [
    "AccountAccess",
    "AccountStatus",
    "AuditEntry",
    "ConnectedAccount",
    "InstanceAppRegistration",
    "Invitation",
    "Membership",
    "Organization",
    "PlatformApp",
    "User",
]
