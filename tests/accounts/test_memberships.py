import pytest

from accounts.models import AuditEntry, Membership
from accounts.roles import Role
from tests.factories import MembershipFactory


@pytest.fixture
def admin(member_of):
    return member_of(Role.ADMIN)


@pytest.mark.django_db
def test_an_admin_changes_a_role_and_it_is_audited(org, admin, member_of, login):
    editor = member_of(Role.EDITOR)
    membership = Membership.objects.get(user=editor)
    login(admin).post(f"/o/acme/settings/members/{membership.pk}/role/", {"role": "approver"})
    membership.refresh_from_db()
    assert membership.role == Role.APPROVER
    entry = AuditEntry.objects.get(verb="accounts.member.role_changed")
    assert entry.details == {"from": "editor", "to": "approver"}


@pytest.mark.django_db
def test_an_admin_cannot_make_anyone_an_owner(org, admin, member_of, login):
    membership = Membership.objects.get(user=member_of(Role.EDITOR))
    login(admin).post(f"/o/acme/settings/members/{membership.pk}/role/", {"role": "owner"})
    membership.refresh_from_db()
    assert membership.role == Role.EDITOR


@pytest.mark.django_db
def test_an_admin_cannot_demote_or_remove_an_owner(org, owner, admin, login):
    membership = Membership.objects.get(user=owner)
    client = login(admin)
    client.post(f"/o/acme/settings/members/{membership.pk}/role/", {"role": "viewer"})
    client.post(f"/o/acme/settings/members/{membership.pk}/remove/")
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


@pytest.mark.django_db
def test_the_last_owner_can_neither_leave_nor_be_demoted(org, owner, login):
    membership = Membership.objects.get(user=owner)
    client = login(owner)
    response = client.post("/o/acme/settings/leave/", follow=True)
    assert "last owner" in response.content.decode()
    client.post(f"/o/acme/settings/members/{membership.pk}/role/", {"role": "admin"})
    membership.refresh_from_db()
    assert membership.role == Role.OWNER
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.django_db
def test_an_owner_can_leave_once_there_is_another_owner(org, owner, member_of, login):
    member_of(Role.OWNER)
    login(owner).post("/o/acme/settings/leave/")
    assert not Membership.objects.filter(user=owner, organization=org).exists()
    assert AuditEntry.objects.filter(verb="accounts.member.left").exists()


@pytest.mark.django_db
def test_a_member_can_leave(org, member_of, login):
    viewer = member_of(Role.VIEWER)
    response = login(viewer).post("/o/acme/settings/leave/")
    assert response.status_code == 302
    assert not Membership.objects.filter(user=viewer).exists()


@pytest.mark.django_db
def test_removing_a_member_from_another_org_is_404(org, other_org, admin, login):
    stranger = MembershipFactory(organization=other_org, role=Role.EDITOR)
    response = login(admin).post(f"/o/acme/settings/members/{stranger.pk}/remove/")
    assert response.status_code == 404
    assert Membership.objects.filter(pk=stranger.pk).exists()


@pytest.mark.django_db
def test_editors_see_members_but_no_management_controls(org, member_of, login):
    html = login(member_of(Role.EDITOR)).get("/o/acme/settings/members/").content.decode()
    assert "Send invitation" not in html
    assert "Remove" not in html


@pytest.mark.django_db
def test_an_editor_cannot_change_roles(org, member_of, login):
    target = Membership.objects.get(user=member_of(Role.VIEWER))
    response = login(member_of(Role.EDITOR)).post(
        f"/o/acme/settings/members/{target.pk}/role/", {"role": "admin"})
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.role == Role.VIEWER
