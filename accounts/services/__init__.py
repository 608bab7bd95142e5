from accounts.services.account_access import account_access_set
from accounts.services.connected_accounts import (
    account_became_usable,
    account_connect,
    account_disable,
    account_disconnect,
    account_enable,
    account_mark_needs_reconnect,
    account_needs_reconnect,
    account_publishing_quotas,
    account_reconnected,
    account_record_error,
    account_record_sync,
    account_refresh_tokens,
    account_rename,
)
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
from accounts.services.platform_apps import (
    Credentials,
    platform_app_delete,
    platform_app_save,
    platform_credentials,
)

__all__ = [
    "Credentials",
    "ServiceError",
    "account_access_set",
    "account_became_usable",
    "account_connect",
    "account_disable",
    "account_disconnect",
    "account_enable",
    "account_mark_needs_reconnect",
    "account_needs_reconnect",
    "account_publishing_quotas",
    "account_reconnected",
    "account_record_error",
    "account_record_sync",
    "account_refresh_tokens",
    "account_rename",
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
    "platform_app_delete",
    "platform_app_save",
    "platform_credentials",
]
