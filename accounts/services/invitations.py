from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import Invitation, Membership
from accounts.roles import Role, grantable_roles
from accounts.services.errors import ServiceError

_SALT = "socialmgr.invitation"


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(str(invitation.key), salt=_SALT, compress=True)


def invitation_url(invitation: Invitation) -> str:
    path = reverse("invitation_accept", kwargs={"token": invitation_token(invitation)})
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def invitation_create(*, actor_membership: Membership, email: str, role: str,
                      request=None) -> Invitation:
    org = actor_membership.organization
    email = email.strip().lower()
    if role not in grantable_roles(actor_membership.role):
        raise ServiceError(_("You cannot invite someone as “%(role)s”.")
                           % {"role": Role(role).label})
    if Membership.objects.filter(organization=org, user__email__iexact=email).exists():
        raise ServiceError(_("%(email)s is already a member.") % {"email": email}, code="member")
    # A new invitation replaces any still-pending one, so only the newest link works.
    Invitation.objects.for_org(org).pending().filter(email__iexact=email).update(
        revoked_at=timezone.now()
    )
    invitation = Invitation.objects.create(
        organization=org, email=email, role=role, invited_by=actor_membership.user
    )
    audit_record(organization=org, actor=actor_membership.user,
                 verb="accounts.invitation.created", target=invitation,
                 details={"email": email, "role": role}, request=request)
    transaction.on_commit(lambda: _send_invitation(invitation))
    return invitation


def _send_invitation(invitation: Invitation) -> None:
    with translation.override(invitation.organization.language):
        context = {"invitation": invitation, "url": invitation_url(invitation),
                   "inviter": invitation.invited_by}
        subject = _("You are invited to join %(org)s on socialmgr") % {
            "org": invitation.organization.name
        }
        body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])


@transaction.atomic
def invitation_revoke(*, actor_membership: Membership, invitation: Invitation,
                      request=None) -> None:
    if invitation.state != "pending":
        raise ServiceError(_("Only a pending invitation can be revoked."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(organization=invitation.organization, actor=actor_membership.user,
                 verb="accounts.invitation.revoked", target=invitation,
                 details={"email": invitation.email}, request=request)


def invitation_for_token(token: str) -> Invitation:
    """The invitation a link points at, or a ServiceError that explains what is wrong with it."""
    try:
        key = signing.loads(token, salt=_SALT)
        invitation = Invitation.objects.select_related("organization", "invited_by").get(key=key)
    except (signing.BadSignature, Invitation.DoesNotExist, ValueError):
        raise ServiceError(_("This invitation link is not valid. Please check that you copied "
                             "the whole link."), code="invalid") from None
    state = invitation.state
    if state == "accepted":
        raise ServiceError(_("This invitation has already been used. Sign in to reach the "
                             "organisation."), code="accepted")
    if state == "revoked":
        raise ServiceError(_("This invitation was withdrawn. Ask an admin of %(org)s for a new "
                             "one.") % {"org": invitation.organization.name}, code="revoked")
    if state == "expired":
        raise ServiceError(_("This invitation has expired. Ask an admin of %(org)s for a new "
                             "one.") % {"org": invitation.organization.name}, code="expired")
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user, request=None) -> Membership:
    # Re-read under lock: two clicks on the same link must not both succeed.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state != "pending":
        raise ServiceError(_("This invitation can no longer be accepted."), code=invitation.state)
    if user.email.lower() != invitation.email.lower():
        raise ServiceError(
            _("This invitation was sent to %(email)s. Please sign in with that address.")
            % {"email": invitation.email},
            code="wrong_user",
        )
    membership, created = Membership.objects.get_or_create(
        user=user, organization=invitation.organization, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(organization=invitation.organization, actor=user,
                 verb="accounts.invitation.accepted", target=invitation,
                 details={"role": membership.role, "new_member": created}, request=request)
    return membership
