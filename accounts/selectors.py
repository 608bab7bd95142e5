"""Read-side queries for organisations and members."""

from django.db.models import Q

from accounts.models import (
    AccountAccess,
    AuditEntry,
    ConnectedAccount,
    Membership,
    Organization,
)
from accounts.roles import role_allows


def user_organizations(user):
    return Organization.objects.filter(memberships__user=user).order_by("name")


def member_list(organization: Organization):
    return (Membership.objects.filter(organization=organization)
            .select_related("user").order_by("user__email"))


def audit_entries(organization: Organization, *, verb="", actor="", since=None, until=None,
                  before: tuple | None = None, limit: int = 50):
    """Newest first, keyset-paginated on (created_at, id) so deep pages stay fast."""
    qs = AuditEntry.objects.for_org(organization).select_related("actor")
    if verb:
        qs = qs.filter(verb__startswith=verb)
    if actor:
        qs = qs.filter(Q(actor_label__icontains=actor) | Q(actor__first_name__icontains=actor)
                       | Q(actor__last_name__icontains=actor))
    if since:
        qs = qs.filter(created_at__date__gte=since)
    if until:
        qs = qs.filter(created_at__date__lte=until)
    if before:
        created_at, pk = before
        qs = qs.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=pk))
    return list(qs.order_by("-created_at", "-id")[: limit + 1])


def member_is_restricted(membership: Membership) -> bool:
    """Whether this member sees only some accounts: a role below admin with account-access
    rows. Asked once per membership object (`accounts.tenancy` annotates it on the request's
    membership, so a page asks the database not at all)."""
    if role_allows(membership.role, "channels.manage"):
        return False
    restricted = getattr(membership, "has_account_access", None)
    if restricted is None:
        restricted = AccountAccess.objects.filter(membership_id=membership.pk).exists()
        membership.has_account_access = restricted
    return restricted


def accounts_for_member(membership: Membership, *, include_disabled: bool = True):
    """Connected accounts this member may see and post to (composer, inbox, analytics).

    Admins and owners see every account; anyone else with account-access rows sees only
    those accounts. Disconnected accounts are left out; `include_disabled=False` also
    leaves out accounts that are not usable right now.
    """
    qs = ConnectedAccount.objects.for_org(membership.organization).connected()
    if not include_disabled:
        qs = qs.usable()
    if member_is_restricted(membership):
        qs = qs.filter(pk__in=AccountAccess.objects.filter(membership=membership)
                       .values("account_id"))
    return qs.order_by("provider", "handle")


def member_may_use_account(membership: Membership, account: ConnectedAccount) -> bool:
    return accounts_for_member(membership).filter(pk=account.pk).exists()
