"""Read-side queries for organisations and members."""

from django.db.models import Count, Q

from accounts.models import (
    AccountAccess,
    AuditEntry,
    ConnectedAccount,
    Invitation,
    Membership,
    Organization,
)
from accounts.roles import role_allows


def user_organizations(user):
    return Organization.objects.filter(memberships__user=user).order_by("name")


def dashboard_summary(organization: Organization, user, *,
                      membership: Membership | None = None) -> dict:
    """The overview page: what needs attention today. A fixed number of queries.

    Post counts and "coming up" cover the posts the member may see (content's rule)."""
    from django.utils import timezone

    from content.models import PostTarget
    from content.selectors import posts_visible_to
    from content.workflows import PostState, TargetState
    from inbox.models import InboxItem

    accounts = ConnectedAccount.objects.for_org(organization).connected().aggregate(
        total=Count("id"), attention=Count("id", filter=~Q(status="active"))
    )
    now = timezone.now()
    membership = membership or Membership.objects.get(organization=organization, user=user)
    visible = posts_visible_to(membership)
    posts = visible.aggregate(
        pending=Count("id", filter=Q(status=PostState.PENDING)),
        # Still to go out: a post keeps its "scheduled" status after it was published.
        scheduled=Count("id", filter=Q(status=PostState.SCHEDULED, scheduled_at__gte=now)),
    )
    upcoming = (visible.filter(status=PostState.SCHEDULED, scheduled_at__gte=now)
                .order_by("scheduled_at").prefetch_related("targets__account")[:5])
    return {
        "members": Membership.objects.filter(organization=organization).count(),
        "accounts": accounts["total"],
        "accounts_needing_attention": accounts["attention"],
        "pending_invitations": Invitation.objects.for_org(organization).pending().count(),
        "pending_approval": posts["pending"],
        "scheduled": posts["scheduled"],
        "needs_attention_targets": PostTarget.objects.for_org(organization).filter(
            status__in=[TargetState.FAILED, TargetState.UNCONFIRMED, TargetState.PAUSED]
        ).count(),
        "inbox_open": InboxItem.objects.for_org(organization).visible()
        .filter(status="open").count(),
        "upcoming": list(upcoming),
    }


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
        qs = qs.filter(actor_label__icontains=actor)
    if since:
        qs = qs.filter(created_at__date__gte=since)
    if until:
        qs = qs.filter(created_at__date__lte=until)
    if before:
        created_at, pk = before
        qs = qs.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=pk))
    return list(qs.order_by("-created_at", "-id")[: limit + 1])


def accounts_for_member(membership: Membership, *, include_disabled: bool = True):
    """Connected accounts this member may see and post to (composer, inbox, analytics).

    Admins and owners see every account; anyone else with account-access rows sees only
    those accounts. Disconnected accounts are left out; `include_disabled=False` also
    leaves out accounts that are not usable right now.
    """
    qs = ConnectedAccount.objects.for_org(membership.organization).connected()
    if not include_disabled:
        qs = qs.usable()
    if not role_allows(membership.role, "channels.manage"):
        allowed = AccountAccess.objects.filter(membership=membership).values("account_id")
        if AccountAccess.objects.filter(membership=membership).exists():
            qs = qs.filter(pk__in=allowed)
    return qs.order_by("provider", "handle")


def member_may_use_account(membership: Membership, account: ConnectedAccount) -> bool:
    return accounts_for_member(membership).filter(pk=account.pk).exists()
