"""Read-side queries for content: composer choices, review queue, post pages."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from accounts.audit_text import describe_all
from accounts.models import AuditEntry, ConnectedAccount, Membership
from accounts.selectors import accounts_for_member, member_is_restricted
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
    return list(accounts_for_member(membership))


def _is_restricted(membership: Membership) -> bool:
    """Whether `accounts_for_member` limits this member to some accounts (same rule)."""
    return member_is_restricted(membership)


def posts_visible_to(membership: Membership, posts=None):
    """The posts this member may see: `posts` (default: all of the organisation's) without
    those whose targets all go to accounts the member may not use.

    The one visibility rule for the post page, review queue, calendar, overview and API.
    Unrestricted members see every post; a post without targets hides nothing, so it stays.
    """
    if posts is None:
        posts = Post.objects.for_org(membership.organization)
    if not _is_restricted(membership):
        return posts
    targets = PostTarget.objects.filter(post_id=OuterRef("pk"))
    allowed = accounts_for_member(membership).values("pk")
    return posts.filter(Exists(targets.filter(account_id__in=allowed)) | ~Exists(targets))


def accounts_off_limits(membership: Membership, post: Post) -> list[ConnectedAccount]:
    """The accounts `post` goes to that this member may not use (an edit would drop them)."""
    if not _is_restricted(membership):
        return []
    allowed = set(accounts_for_member(membership).values_list("pk", flat=True))
    return [t.account for t in PostTarget.objects.filter(post=post).select_related("account")
            .order_by("account__handle") if t.account_id not in allowed]


def posts_with_targets(organization):
    """Posts with targets, accounts and media prefetched: a constant number of queries."""
    media = PostTargetMedia.objects.select_related("asset").prefetch_related("asset__renditions")
    targets = PostTarget.objects.select_related("account", "deletion").prefetch_related(
        Prefetch("attachments", queryset=media), "parts", "edits")
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

    base = posts_visible_to(membership, posts_with_targets(membership.organization)) \
        .order_by("scheduled_at", "created_at")
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


def queue_counts(membership: Membership) -> dict[str, int]:
    """The review queue's tab counts, of the posts this member may see.

    Shown in the navigation of every page: the WHERE names the two states, so the
    (organization, status) index reads only the posts under review, not all of them."""
    counts = posts_visible_to(membership).filter(
        status__in=[PostState.PENDING, PostState.CHANGES]).aggregate(
        pending=Count("pk", filter=Q(status=PostState.PENDING)),
        changes=Count("pk", filter=Q(status=PostState.CHANGES)),
    )
    return counts


def post_history(post: Post) -> list[dict]:
    """Audit entries and comments of a post, oldest first."""
    entries = AuditEntry.objects.filter(
        organization=post.organization, target_type="content.post", target_id=str(post.pk)
    ).select_related("actor").order_by("created_at")
    return [{"at": e.created_at, "text": text, "reason": reason}
            for e, text, reason in describe_all(entries)]


def post_comments(post: Post):
    return PostComment.objects.filter(post=post).select_related("author")


def unread_notifications(user, organization):
    return Notification.objects.filter(user=user, organization=organization).unread()
