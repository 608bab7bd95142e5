"""Telling people when a delivery needs them: failed, paused or unconfirmed targets.

The author and the post's approvers get an in-app notification and an email (sent after
the transaction commits). Uses content's Notification model with pipeline verbs.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership
from accounts.roles import role_allows
from content.models import Notification, PostTarget
from content.nav_counts import nav_counts_invalidate
from content.workflows import TargetState

log = logging.getLogger(__name__)

MESSAGES = {
    TargetState.FAILED: _("“%(post)s” could not be published to %(account)s: %(reason)s"),
    TargetState.PAUSED: _("“%(post)s” is on hold for %(account)s: %(reason)s"),
    TargetState.UNCONFIRMED: _("Please check whether “%(post)s” went out on %(account)s: "
                               "%(reason)s"),
}


def recipients_for(target: PostTarget) -> list:
    post = target.post
    people = {post.author_id: post.author} if post.author_id else {}
    for membership in (Membership.objects.filter(organization_id=post.organization_id)
                       .select_related("user")):
        if role_allows(membership.role, "post.approve"):
            people.setdefault(membership.user_id, membership.user)
    return [u for u in people.values() if u is not None and u.is_active]


def notify_target_problem(*, target: PostTarget, state: str, reason: str) -> None:
    post = target.post
    message = str(MESSAGES[state] % {"post": str(post)[:80], "account": target.account.handle,
                                     "reason": reason})[:300]
    people = recipients_for(target)
    Notification.objects.bulk_create(
        Notification(user=u, organization_id=post.organization_id,
                     verb=f"content.target.{state}", post=post, actor_label="socialmgr",
                     message=message) for u in people)
    nav_counts_invalidate(post.organization_id)  # bulk_create sends no post_save
    url = reverse("post_detail", kwargs={"org_slug": post.organization.slug, "pk": post.pk})
    body = f"{message}\n\n{settings.SITE_URL}{url}\n"
    emails = [u.email for u in people if u.email]

    def send() -> None:
        for email in emails:
            try:
                send_mail(subject=f"[socialmgr] {message}"[:150], message=body,
                          from_email=None, recipient_list=[email])
            except Exception:  # a mail server problem must not undo or retry the delivery
                log.exception("could not email %s about target %s", email, target.pk)

    transaction.on_commit(send)


def notify_needs_reconnect(*, account) -> int:
    """In the app, to the organisation's admins and owners (they may reconnect it): the
    platform stopped accepting the account. The e-mail goes from the accounts services."""
    from django.utils import translation
    from django.utils.translation import gettext

    from accounts.roles import Role

    members = (Membership.objects.filter(organization_id=account.organization_id,
                                         role__in=[Role.ADMIN, Role.OWNER], user__is_active=True)
               .select_related("user"))
    notices = []
    for membership in members:
        person = membership.user
        with translation.override(getattr(person, "language", "") or
                                  account.organization.language):
            message = gettext("%(account)s needs to be reconnected: the platform no longer "
                              "accepts its connection. Scheduled posts for it wait.") % {
                "account": account.name}
        notices.append(Notification(user=person, organization_id=account.organization_id,
                                    verb="accounts.account.needs_reconnect",
                                    actor_label="socialmgr", message=message[:300]))
    Notification.objects.bulk_create(notices)
    return len(notices)
