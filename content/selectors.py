"""Read-side queries for content: composer choices, review queue, post pages."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q

from accounts.models import ConnectedAccount, Membership
from content.models import (
    Notification,
    Post,
    PostApproval,
    PostComment,
    PostTarget,
    PostTargetMedia,
)
from content.workflows import PostState, delivery_status


def usable_accounts(membership: Membership):
    """Accounts this member may post to (the accounts app decides when it knows)."""
    try:
        from accounts.selectors import accounts_for_member
    except ImportError:
        accounts_for_member = None
    if accounts_for_member is not None:
        return list(accounts_for_member(membership))
    return list(ConnectedAccount.objects.for_org(membership.organization).connected()
                .order_by("provider", "handle"))


def posts_with_targets(organization):
    """Posts with targets, accounts and media prefetched: a constant number of queries."""
    media = PostTargetMedia.objects.select_related("asset").prefetch_related("asset__renditions")
    targets = PostTarget.objects.select_related("account").prefetch_related(
        Prefetch("attachments", queryset=media))
    return (Post.objects.for_org(organization).select_related("author")
            .prefetch_related(Prefetch("targets", queryset=targets), "labels"))


def with_delivery(posts) -> list[Post]:
    """Attach the derived delivery status from prefetched targets."""
    out = list(posts)
    for post in out:
        post._delivery = delivery_status([t.status for t in post.targets.all()])
    return out


def review_queue(membership: Membership, tab: str = "mine"):
    """Posts waiting for review. `mine`: those whose open step this member holds."""
    from content.services.access import holds_step, steps_for

    base = posts_with_targets(membership.organization).order_by("scheduled_at", "created_at")
    if tab == "changes":
        return with_delivery(base.filter(status=PostState.CHANGES))
    pending = with_delivery(base.filter(status=PostState.PENDING))
    if tab == "all":
        return pending
    steps = steps_for(membership.organization)
    approvals = _approved_steps(pending)
    mine = []
    for post in pending:
        step = _next_step(steps, approvals.get(post.pk, set()))
        if step is not False and holds_step(membership, step):
            mine.append(post)
    return mine


def _approved_steps(posts) -> dict[int, set]:
    done: dict[int, set] = {}
    wanted = Q()
    for post in posts:
        wanted |= Q(post_id=post.pk, round=post.approval_round)
    if not posts:
        return done
    for post_id, step_id in PostApproval.objects.filter(wanted, decision="approved") \
            .values_list("post_id", "step_id"):
        done.setdefault(post_id, set()).add(step_id)
    return done


def _next_step(steps, done: set):
    if not steps:
        return False if None in done else None
    for step in steps:
        if step.pk not in done:
            return step
    return False


def queue_counts(organization) -> dict[str, int]:
    counts = Post.objects.for_org(organization).aggregate(
        pending=Count("pk", filter=Q(status=PostState.PENDING)),
        changes=Count("pk", filter=Q(status=PostState.CHANGES)),
    )
    return counts


def post_history(post: Post) -> list[dict]:
    """Audit entries and comments of a post, oldest first."""
    from accounts.models import AuditEntry

    entries = AuditEntry.objects.filter(
        organization=post.organization, target_type="content.post", target_id=str(post.pk)
    ).order_by("created_at")
    return [{"at": e.created_at, "who": e.actor_label, "verb": e.verb, "details": e.details}
            for e in entries]


def post_comments(post: Post):
    return PostComment.objects.filter(post=post).select_related("author")


def unread_notifications(user, organization):
    return Notification.objects.filter(user=user, organization=organization).unread()
