import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import AuditEntry, Invitation, Membership
from accounts.roles import Role
from accounts.services import invitation_token


def _link_from_outbox() -> str:
    match = re.search(r"http://[^\s]+/invitations/[^\s]+/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0).split("127.0.0.1:8000", 1)[-1]


@pytest.fixture
def admin(member_of):
    return member_of(Role.ADMIN)


@pytest.mark.django_db(transaction=True)
def test_an_invitation_is_emailed_with_a_signed_link(org, admin, login):
    response = login(admin).post("/o/acme/settings/invitations/",
                                 {"email": "New@Example.com", "role": "editor"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "new@example.com"
    assert mail.outbox[-1].to == ["new@example.com"]
    assert str(invitation.key) not in mail.outbox[-1].body  # the key travels signed only
    assert AuditEntry.objects.filter(verb="accounts.invitation.created").exists()


@pytest.mark.django_db
def test_an_invited_user_accepts_and_becomes_a_member(org, admin, user_factory, client):
    invitation = Invitation.objects.create(organization=org, email="joe@example.com",
                                           role=Role.APPROVER, invited_by=admin)
    joe = user_factory(email="joe@example.com")
    client.force_login(joe)
    url = f"/invitations/{invitation_token(invitation)}/"
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response["Location"] == "/o/acme/"
    assert Membership.objects.get(user=joe, organization=org).role == Role.APPROVER


@pytest.mark.django_db
def test_a_reused_invitation_explains_itself(org, admin, user_factory, client):
    invitation = Invitation.objects.create(organization=org, email="joe@example.com",
                                           invited_by=admin)
    client.force_login(user_factory(email="joe@example.com"))
    url = f"/invitations/{invitation_token(invitation)}/"
    client.post(url)
    response = client.get(url)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


@pytest.mark.django_db
def test_an_expired_invitation_explains_itself(org, admin, client):
    invitation = Invitation.objects.create(
        organization=org, email="late@example.com", invited_by=admin,
        expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(f"/invitations/{invitation_token(invitation)}/")
    assert response.status_code == 410
    assert "expired" in response.content.decode()


@pytest.mark.django_db
def test_a_revoked_invitation_cannot_be_accepted(org, admin, user_factory, login):
    invitation = Invitation.objects.create(organization=org, email="joe@example.com",
                                           invited_by=admin)
    login(admin).post(f"/o/acme/settings/invitations/{invitation.pk}/revoke/")
    invitation.refresh_from_db()
    assert invitation.state == "revoked"
    client = login(user_factory(email="joe@example.com"))
    response = client.post(f"/invitations/{invitation_token(invitation)}/")
    assert response.status_code == 410
    assert not Membership.objects.filter(user__email="joe@example.com").exists()


@pytest.mark.django_db
def test_a_tampered_link_is_refused(client):
    response = client.get("/invitations/not-a-real-token/")
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


@pytest.mark.django_db
def test_an_invitation_for_someone_else_is_not_accepted(org, admin, user_factory, client):
    invitation = Invitation.objects.create(organization=org, email="joe@example.com",
                                           invited_by=admin)
    client.force_login(user_factory(email="mallory@example.com"))
    client.post(f"/invitations/{invitation_token(invitation)}/")
    assert not Membership.objects.filter(user__email="mallory@example.com").exists()


@pytest.mark.django_db
def test_inviting_an_existing_member_is_a_form_error(org, admin, member_of, login):
    editor = member_of(Role.EDITOR)
    response = login(admin).post("/o/acme/settings/invitations/",
                                 {"email": editor.email, "role": "viewer"})
    assert response.status_code == 400
    assert "already a member" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_an_admin_cannot_invite_an_owner(org, admin, login):
    response = login(admin).post("/o/acme/settings/invitations/",
                                 {"email": "x@example.com", "role": "owner"})
    assert response.status_code == 400
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_a_new_invitation_replaces_the_pending_one(org, admin, login):
    client = login(admin)
    client.post("/o/acme/settings/invitations/", {"email": "x@example.com", "role": "viewer"})
    client.post("/o/acme/settings/invitations/", {"email": "x@example.com", "role": "editor"})
    assert Invitation.objects.pending().get().role == Role.EDITOR
    assert Invitation.objects.filter(revoked_at__isnull=False).count() == 1


@pytest.mark.django_db
def test_anonymous_visitors_are_offered_sign_up_with_the_email_prestashed(org, admin, client):
    invitation = Invitation.objects.create(organization=org, email="joe@example.com",
                                           invited_by=admin)
    url = f"/invitations/{invitation_token(invitation)}/"
    response = client.get(url)
    assert response.status_code == 200
    assert "/accounts/signup/?next=" in response.content.decode()
    # allauth skips the verification mail for an address proven by the invitation link
    response = client.post(f"/accounts/signup/?next={url}", {
        "email": "joe@example.com", "password1": "a-long-unusual-pass-19", "password2":
        "a-long-unusual-pass-19"})
    assert response.status_code == 302
    assert response["Location"] == url
    client.post(url)
    assert Membership.objects.filter(user__email="joe@example.com", organization=org).exists()
