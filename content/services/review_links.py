"""Client review links: signed, expiring, revocable links for reviewers without an account."""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.services.errors import ServiceError
from content.models import ClientReviewLink, Post
from content.services.access import require
from content.services.workflow import post_approve, post_request_changes
from content.workflows import PostState

SALT = "content.review-link"
DEFAULT_DAYS = 7


def review_link_create(*, post: Post, actor, reviewer_name: str = "", reviewer_email: str = "",
                       days: int = DEFAULT_DAYS) -> tuple[ClientReviewLink, str]:
    """A new link and its token (shown once; only the signature is checked later)."""
    require(actor, post.organization, "post.approve")
    if not 1 <= days <= 60:
        raise ServiceError(_("A review link can be valid for 1 to 60 days."), code="days")
    with transaction.atomic():
        link = ClientReviewLink.objects.create(
            post=post, reviewer_name=reviewer_name.strip(), reviewer_email=reviewer_email.strip(),
            expires_at=timezone.now() + dt.timedelta(days=days), created_by=actor)
        audit_record(organization=post.organization, actor=actor,
                     verb="content.review_link.created", target=post,
                     details={"link": link.pk, "reviewer": link.reviewer_name,
                              "expires_at": link.expires_at.isoformat()})
    return link, review_link_token(link)


def review_link_token(link: ClientReviewLink) -> str:
    return signing.dumps({"l": link.pk, "p": link.post_id}, salt=SALT, compress=True)


def review_link_resolve(token: str) -> ClientReviewLink | None:
    """The active link for a token; None when forged, revoked or expired."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    link = (ClientReviewLink.objects.select_related("post__organization")
            .filter(pk=data.get("l"), post_id=data.get("p")).first())
    if link is None or not link.is_active:
        return None
    return link


def review_link_revoke(*, link: ClientReviewLink, actor) -> None:
    require(actor, link.post.organization, "post.approve")
    with transaction.atomic():
        if ClientReviewLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
                revoked_at=timezone.now()):
            audit_record(organization=link.post.organization, actor=actor,
                         verb="content.review_link.revoked", target=link.post,
                         details={"link": link.pk})


def review_link_decide(*, link: ClientReviewLink, decision: str, comment: str,
                       name: str = "") -> Post:
    """The client approves or requests changes; recorded in the post's history."""
    if not link.is_active:
        raise ServiceError(_("This review link is no longer valid."), code="expired")
    if link.post.status != PostState.PENDING:
        raise ServiceError(_("This post is not waiting for a review any more."), code="state")
    who = (name or link.reviewer_name or _("Client")).strip()[:120]
    ClientReviewLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    if decision == "approve":
        return post_approve(post=link.post, actor=None, comment=comment, review_link=link,
                            reviewer_name=who)
    if decision == "changes":
        return post_request_changes(post=link.post, actor=None, comment=comment,
                                    review_link=link, reviewer_name=who)
    raise ServiceError(_("Choose approve or request changes."), code="decision")
