"""What needs attention today, for the organisation overview."""

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import ConnectedAccount, Invitation, Membership, Organization
from content.models import PostTarget
from content.selectors import posts_visible_to
from content.workflows import PostState, TargetState
from inbox.models import InboxItem


def dashboard_summary(organization: Organization, user, *,
                      membership: Membership | None = None) -> dict:
    """The overview page: what needs attention today. A fixed number of queries.

    Post counts and "coming up" cover the posts the member may see (content's rule)."""
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
        .awake(timezone.now()).count(),
        "upcoming": list(upcoming),
    }
