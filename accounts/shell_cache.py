"""What the signed-in layout shows on every page, cached (lib.versioned_cache): the
organisation switcher's list and the reconnect banner's accounts.

The switcher's list is a user's: it changes when one of their memberships comes or goes
(per-user version) or any organisation is renamed, moved or deleted (one shared version).
The banner's accounts are an organisation's: they change with its connected accounts (saved
or deleted: receivers below; status moves, renames and disconnects are UPDATEs, and
accounts.services.connected_accounts bumps the version itself).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from lib.versioned_cache import bump, cached

_ORGANIZATIONS = "accounts:orgs:v"
BANNER_LIMIT = 5


def _user_key(user_id: int) -> str:
    return f"accounts:orgs:user:{user_id}:v"


def _accounts_key(organization_id: int) -> str:
    return f"accounts:connected:{organization_id}:v"


def user_organizations_cached(user) -> list:
    """The user's organisations by name (pk, name and slug loaded)."""
    from accounts.selectors import user_organizations

    return cached(f"accounts:orgs:user:{user.pk}", [_ORGANIZATIONS, _user_key(user.pk)],
                  lambda: list(user_organizations(user).only("pk", "name", "slug")))


def accounts_needing_reconnect(membership) -> list:
    """Up to five accounts of this member's that need reconnecting."""
    from accounts.models import AccountStatus
    from accounts.selectors import accounts_for_member, member_is_restricted

    def broken():
        return list(accounts_for_member(membership)
                    .filter(status=AccountStatus.NEEDS_RECONNECT)
                    .only("pk", "handle", "label", "display_name", "provider")[:BANNER_LIMIT])

    if member_is_restricted(membership):  # their own few accounts: asked each time
        return broken()
    org_id = membership.organization_id
    return cached(f"accounts:reconnect:{org_id}", [_accounts_key(org_id)], broken)


def connected_accounts_changed(organization_id: int) -> None:
    bump(_accounts_key(organization_id))


@receiver([post_save, post_delete], sender="accounts.Organization",
          dispatch_uid="accounts-shell-organization")
def _organization_changed(sender, instance, **kwargs) -> None:
    bump(_ORGANIZATIONS)


@receiver([post_save, post_delete], sender="accounts.Membership",
          dispatch_uid="accounts-shell-membership")
def _membership_changed(sender, instance, **kwargs) -> None:
    bump(_user_key(instance.user_id))


@receiver([post_save, post_delete], sender="accounts.ConnectedAccount",
          dispatch_uid="accounts-shell-connected-account")
def _account_changed(sender, instance, **kwargs) -> None:
    connected_accounts_changed(instance.organization_id)
