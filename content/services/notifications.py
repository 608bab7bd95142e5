"""In-app notifications and emails about posts (sent after the transaction commits)."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership
from accounts.roles import role_allows
from content.models import Notification, Post
from content.nav_counts import nav_counts_invalidate

log = logging.getLogger(__name__)

MESSAGES = {
    "content.post.submitted": gettext_lazy("%(actor)s submitted “%(post)s” for approval."),
    "content.post.approved": gettext_lazy("%(actor)s approved “%(post)s”."),
    "content.post.changes_requested": gettext_lazy("%(actor)s requested changes to “%(post)s”."),
    "content.post.commented": gettext_lazy("%(actor)s commented on “%(post)s”."),
}


def _label(actor) -> str:
    if actor is None:
        return _("A reviewer")
    if isinstance(actor, str):
        return actor
    return actor.get_full_name() or actor.email


def approvers_of(post: Post) -> list:
    """Members who may decide on the post (named step members or approver roles)."""
    from content.services.access import holds_step, open_step, steps_for

    steps = steps_for(post.organization)
    _remaining, step = open_step(post, steps)
    members = Membership.objects.filter(organization=post.organization).select_related("user")
    return [m.user for m in members
            if role_allows(m.role, "post.edit") and holds_step(m, step)]


def notify(*, post: Post, verb: str, actor, recipients) -> None:
    """One in-app notification per recipient (never the actor) and an email each."""
    actor_label = _label(actor)
    message = str(MESSAGES[verb]) % {"actor": actor_label, "post": str(post)[:80]}
    people = {u.pk: u for u in recipients if u is not None
              and getattr(actor, "pk", None) != u.pk}
    Notification.objects.bulk_create(
        Notification(user=u, organization=post.organization, verb=verb, post=post,
                     actor_label=actor_label, message=message[:300]) for u in people.values())
    nav_counts_invalidate(post.organization_id)  # bulk_create sends no post_save
    url = reverse("post_detail", kwargs={"org_slug": post.organization.slug, "pk": post.pk})
    body = f"{message}\n\n{settings.SITE_URL}{url}\n"
    emails = [u.email for u in people.values() if u.email]

    def send():
        for email in emails:
            try:
                send_mail(subject=f"[socialmgr] {message}"[:150], message=body,
                          from_email=None, recipient_list=[email])
            except (OSError, smtplib.SMTPException):
                # The in-app notification exists; a mail outage must not undo the action.
                log.warning("notification email to user failed", exc_info=True)

    transaction.on_commit(send)


def notifications_mark_read(*, user, organization, ids: list[int] | None = None) -> int:
    from django.utils import timezone

    qs = Notification.objects.filter(user=user, organization=organization, read_at__isnull=True)
    if ids:
        qs = qs.filter(pk__in=ids)
    changed = qs.update(read_at=timezone.now())
    nav_counts_invalidate(organization.pk)
    return changed
