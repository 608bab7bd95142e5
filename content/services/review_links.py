"""Client review links: signed, expiring, revocable links for reviewers without an account."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.services.errors import ServiceError
from content.models import ClientReviewLink, Post
from content.services.access import STALE_LINK, link_fits, open_step, require, steps_for
from content.services.workflow import post_approve, post_request_changes
from content.workflows import PostState

log = logging.getLogger(__name__)
SALT = "content.review-link"
DEFAULT_DAYS = 7


def review_link_create(*, post: Post, actor, reviewer_name: str = "", reviewer_email: str = "",
                       days: int = DEFAULT_DAYS) -> tuple[ClientReviewLink, str]:
    """A new link and its token (shown once; only the signature is checked later)."""
    require(actor, post.organization, "post.approve")
    if not 1 <= days <= 60:
        raise ServiceError(_("A review link can be valid for 1 to 60 days."), code="days")
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.status != PostState.PENDING:
            raise ServiceError(_("Submit the post for approval first: a review link decides "
                                 "an open approval step."), code="state")
        _remaining, step = open_step(post, steps_for(post.organization))
        link = ClientReviewLink.objects.create(
            post=post, reviewer_name=reviewer_name.strip(), reviewer_email=reviewer_email.strip(),
            expires_at=timezone.now() + dt.timedelta(days=days), created_by=actor,
            step=step, step_name=step.name if step else "", approval_round=post.approval_round)
        audit_record(organization=post.organization, actor=actor,
                     verb="content.review_link.created", target=post,
                     details={"link": link.pk, "reviewer": link.reviewer_name,
                              "step": link.step_name, "expires_at": link.expires_at.isoformat()})
        token = review_link_token(link)
        if link.reviewer_email:
            transaction.on_commit(lambda: send_review_link_mail(link.pk, token))
    return link, token


def review_link_url(token: str) -> str:
    return settings.SITE_URL + reverse("client_review", kwargs={"token": token})


def send_review_link_mail(link_id: int, token: str) -> None:
    """The reviewer gets the link by e-mail with what it is for and until when it works
    (in the language of the person who made it, which is active while it is sent)."""
    link = (ClientReviewLink.objects.select_related("post__organization", "created_by")
            .filter(pk=link_id).first())
    if link is None or not link.reviewer_email:
        return
    context = {"link": link, "url": review_link_url(token), "organization": link.post.organization,
               "sender": link.created_by.display_name if link.created_by else "",
               "expires": formats.date_format(timezone.localtime(
                   link.expires_at, ZoneInfo(link.post.organization.timezone)),
                   "DATETIME_FORMAT")}
    subject = _("%(org)s asks for your review of a post") % {
        "org": link.post.organization.name}
    try:
        send_mail(subject=subject, message=render_to_string(
            "content/email_review_link.txt", context), from_email=None,
            recipient_list=[link.reviewer_email])
    except (OSError, smtplib.SMTPException):
        log.warning("review link mail failed", exc_info=True)


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
    _remaining, step = open_step(link.post, steps_for(link.post.organization))
    if not link_fits(link, link.post, step):
        raise ServiceError(str(STALE_LINK), code="step")
    who = (name or link.reviewer_name or _("Client")).strip()[:120]
    ClientReviewLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    if decision == "approve":
        return post_approve(post=link.post, actor=None, comment=comment, review_link=link,
                            reviewer_name=who)
    if decision == "changes":
        return post_request_changes(post=link.post, actor=None, comment=comment,
                                    review_link=link, reviewer_name=who)
    raise ServiceError(_("Choose approve or request changes."), code="decision")
