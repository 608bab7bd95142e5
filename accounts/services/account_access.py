"""Which accounts a member may use (agencies give a freelancer one client's accounts)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AccountAccess, ConnectedAccount, Membership
from accounts.roles import role_allows
from accounts.services.errors import ServiceError


@transaction.atomic
def account_access_set(*, membership: Membership, account_ids: list[int], actor,
                       request=None) -> list[ConnectedAccount]:
    """Restrict `membership` to these accounts; an empty list lifts the restriction."""
    if role_allows(membership.role, "channels.manage"):
        raise ServiceError(_("Admins and owners always see every account."))
    org = membership.organization
    accounts = list(ConnectedAccount.objects.for_org(org).connected()
                    .filter(pk__in=account_ids))
    if len(accounts) != len(set(account_ids)):
        raise ServiceError(_("Choose accounts of this organisation."))
    AccountAccess.objects.filter(membership=membership).exclude(account__in=accounts).delete()
    have = set(AccountAccess.objects.filter(membership=membership)
               .values_list("account_id", flat=True))
    AccountAccess.objects.bulk_create(
        [AccountAccess(membership=membership, account=a) for a in accounts if a.pk not in have])
    membership.has_account_access = bool(accounts)  # accounts.selectors.member_is_restricted
    membership.__dict__.pop("_inbox_account_scope", None)
    audit_record(organization=org, actor=actor, verb="accounts.member.account_access_changed",
                 target=membership.user,
                 details={"accounts": sorted(a.handle for a in accounts),
                          "restricted": bool(accounts)}, request=request)
    return accounts
