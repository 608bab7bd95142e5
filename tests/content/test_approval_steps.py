"""Settings → Approvals: admins define ordered steps held by a role or named members;
the review follows them, and changing them restarts pending reviews (fail-closed)."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from accounts.services.errors import ServiceError
from content.models import ApprovalStep, Post
from content.services.access import Forbidden
from content.services.approval_steps import (
    StepData,
    approval_step_create,
    approval_step_delete,
    approval_step_move,
)
from content.services.workflow import post_approve, post_submit

pytestmark = pytest.mark.django_db


def url(name, **kw):
    return reverse(name, kwargs={"org_slug": "acme", **kw})


def names(org):
    return list(ApprovalStep.objects.for_org(org).values_list("name", flat=True))


def test_admin_defines_steps_in_order_through_the_settings_page(login, member_of, org):
    admin, lawyer = member_of("admin"), member_of("editor")
    client = login(admin)
    page = client.get(url("approval_settings"))
    assert page.status_code == 200
    assert url("approval_settings") in page.content.decode()  # the subnav links here
    assert "No steps defined" in page.content.decode()
    response = client.post(url("approval_settings"), {"name": "Legal", "role": "",
                                                      "members": [lawyer.pk]})
    assert response.status_code == 302
    client.post(url("approval_settings"), {"name": "Team lead", "role": "approver"})
    assert names(org) == ["Legal", "Team lead"]
    legal = ApprovalStep.objects.get(name="Legal")
    assert list(legal.members.all()) == [lawyer] and legal.role == ""
    html = client.get(url("approval_settings")).content.decode()
    assert lawyer.display_name in html and "Everyone with the role Approver" in html
    assert AuditEntry.objects.filter(verb="content.approval_step.created").count() == 2


def test_a_step_needs_a_holder_and_bad_input_changes_nothing(login, member_of, org,
                                                            other_org):
    client = login(member_of("admin"))
    response = client.post(url("approval_settings"), {"name": "Legal", "role": ""})
    assert response.status_code == 400
    assert "Choose a role or at least one member" in response.content.decode()
    viewer = member_of("viewer")
    response = client.post(url("approval_settings"), {"name": "Legal",
                                                      "members": [viewer.pk]})
    assert response.status_code == 400  # a viewer cannot decide anything
    stranger = member_of("approver", organization=other_org)
    response = client.post(url("approval_settings"), {"name": "Legal",
                                                      "members": [stranger.pk]})
    assert response.status_code == 400
    response = client.post(url("approval_settings"), {"name": "Legal", "role": "viewer"})
    assert response.status_code == 400
    response = client.post(url("approval_settings"), {"name": "  ", "role": "approver"})
    assert response.status_code == 400
    assert not ApprovalStep.objects.exists()


def test_edit_move_and_remove_steps(login, member_of, org):
    admin, lead = member_of("admin"), member_of("approver")
    first, _ = approval_step_create(organization=org, actor=admin,
                                    data=StepData(name="Legal", role="admin"))
    second, _ = approval_step_create(organization=org, actor=admin,
                                     data=StepData(name="Lead", role="approver"))
    client = login(admin)
    assert client.get(url("approval_step_edit", pk=second.pk)).status_code == 200
    response = client.post(url("approval_step_edit", pk=second.pk), {
        "name": "Team lead", "role": "", "members": [lead.pk]})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.name == "Team lead" and second.role == ""
    assert list(second.members.all()) == [lead]

    client.post(url("approval_step_move", pk=second.pk), {"direction": "up"})
    assert names(org) == ["Team lead", "Legal"]
    client.post(url("approval_step_move", pk=second.pk), {"direction": "up"})  # already first
    assert names(org) == ["Team lead", "Legal"]
    client.post(url("approval_step_delete", pk=second.pk))
    assert names(org) == ["Legal"]
    assert list(ApprovalStep.objects.values_list("order", flat=True)) == [1]
    first.refresh_from_db()
    assert first.order == 1


@pytest.mark.parametrize("role", ["viewer", "editor", "approver"])
def test_only_admins_manage_steps(login, member_of, org, role):
    step = ApprovalStep.objects.create(organization=org, order=1, name="Legal",
                                       role="approver")
    client = login(member_of(role))
    assert client.get(url("approval_settings")).status_code == 403
    assert client.post(url("approval_settings"), {"name": "X", "role": "approver"}) \
        .status_code == 403
    assert client.post(url("approval_step_delete", pk=step.pk)).status_code == 403
    with pytest.raises(Forbidden):
        approval_step_create(organization=org, actor=member_of(role),
                             data=StepData(name="X", role="approver"))
    assert names(org) == ["Legal"]


def test_another_organisations_step_is_404(login, member_of, org, other_org):
    foreign = ApprovalStep.objects.create(organization=other_org, order=1, name="Theirs",
                                          role="approver")
    client = login(member_of("admin"))
    assert client.get(url("approval_step_edit", pk=foreign.pk)).status_code == 404
    assert client.post(url("approval_step_delete", pk=foreign.pk)).status_code == 404
    assert client.post(url("approval_step_move", pk=foreign.pk),
                       {"direction": "down"}).status_code == 404
    assert ApprovalStep.objects.filter(pk=foreign.pk).exists()


def test_configured_steps_drive_the_review_in_order(login, member_of, org, make_post):
    org.approval_required = True
    org.save()
    admin, lawyer, lead, editor = (member_of("admin"), member_of("editor"),
                                   member_of("approver"), member_of("editor"))
    client = login(admin)
    client.post(url("approval_settings"), {"name": "Legal", "members": [lawyer.pk]})
    client.post(url("approval_settings"), {"name": "Team lead", "role": "approver"})
    post = make_post(author=editor)
    post_submit(post=post, actor=editor)
    with pytest.raises(ServiceError):
        post_approve(post=post, actor=lead)  # legal comes first
    post_approve(post=post, actor=lawyer)
    assert Post.objects.get(pk=post.pk).status == "pending_approval"
    post_approve(post=post, actor=lead)
    assert Post.objects.get(pk=post.pk).status == "approved"


def test_changing_steps_restarts_pending_reviews_so_none_is_stuck(login, member_of, org,
                                                                 make_post):
    org.approval_required = True
    org.save()
    admin, lawyer, lead, editor = (member_of("admin"), member_of("editor"),
                                   member_of("approver"), member_of("editor"))
    legal, _ = approval_step_create(organization=org, actor=admin,
                                    data=StepData(name="Legal", member_ids=[lawyer.pk]))
    lead_step, _ = approval_step_create(organization=org, actor=admin,
                                        data=StepData(name="Lead", role="approver"))
    post = make_post(author=editor)
    post_submit(post=post, actor=editor)
    post_approve(post=post, actor=lawyer)
    round_before = Post.objects.get(pk=post.pk).approval_round

    restarted = approval_step_move(step=lead_step, actor=admin, direction="up")
    assert restarted == 1
    post = Post.objects.get(pk=post.pk)
    assert post.approval_round == round_before + 1 and post.status == "pending_approval"
    # Legal's earlier approval no longer counts: the lead decides first now, then legal.
    with pytest.raises(ServiceError):
        post_approve(post=post, actor=lawyer)
    post_approve(post=post, actor=lead)
    assert Post.objects.get(pk=post.pk).status == "pending_approval"

    # Removing the remaining open step restarts the review: the lead must decide again.
    approval_step_delete(step=legal, actor=admin)
    post = Post.objects.get(pk=post.pk)
    assert post.status == "pending_approval"
    post_approve(post=post, actor=lead)
    assert Post.objects.get(pk=post.pk).status == "approved"
    assert AuditEntry.objects.filter(verb="content.approval.restarted").count() == 2


def test_a_step_whose_members_all_left_is_flagged(login, member_of, org):
    from accounts.models import Membership

    admin, lawyer = member_of("admin"), member_of("editor")
    approval_step_create(organization=org, actor=admin,
                         data=StepData(name="Legal", member_ids=[lawyer.pk]))
    Membership.objects.filter(user=lawyer, organization=org).delete()
    html = login(admin).get(url("approval_settings")).content.decode()
    assert "Nobody can decide this step" in html
