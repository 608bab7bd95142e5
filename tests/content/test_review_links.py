import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.services.errors import ServiceError
from content.models import ClientReviewLink, PostApproval
from content.services.review_links import (
    review_link_create,
    review_link_resolve,
    review_link_revoke,
)
from content.services.workflow import post_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(org, make_post, member_of, future):
    org.approval_required = True
    org.save()
    editor = member_of("editor")
    post = make_post(author=editor, scheduled_at=future, text="For the client")
    post_submit(post=post, actor=editor)
    return post


def test_only_approvers_create_links(pending, member_of):
    with pytest.raises(ServiceError):
        review_link_create(post=pending, actor=member_of("editor"))
    link, token = review_link_create(post=pending, actor=member_of("approver"),
                                     reviewer_name="Carla Client")
    assert review_link_resolve(token) == link


def test_client_sees_previews_and_approves(client, pending, member_of):
    _link, token = review_link_create(post=pending, actor=member_of("approver"),
                                      reviewer_name="Carla Client")
    page = client.get(reverse("client_review", kwargs={"token": token}))
    assert page.status_code == 200 and "For the client" in page.content.decode()
    response = client.post(reverse("client_review", kwargs={"token": token}),
                           {"decision": "approve", "comment": "Lovely", "name": ""})
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == "scheduled"
    decision = PostApproval.objects.get(post=pending)
    assert decision.reviewer_name == "Carla Client" and decision.review_link_id
    assert AuditEntry.objects.filter(verb="content.post.approved",
                                     target_id=str(pending.pk)).exists()


def test_client_requests_changes_with_a_comment(client, pending, member_of):
    _link, token = review_link_create(post=pending, actor=member_of("approver"))
    path = reverse("client_review", kwargs={"token": token})
    refused = client.post(path, {"decision": "changes", "comment": ""})
    assert refused.status_code == 400
    client.post(path, {"decision": "changes", "comment": "Wrong price", "name": "Bob"})
    pending.refresh_from_db()
    assert pending.status == "changes_requested"
    assert pending.comments.get().author_name == "Bob"


@pytest.mark.parametrize("spoil", ["revoke", "expire", "forge"])
def test_revoked_expired_or_forged_links_do_nothing(client, pending, member_of, spoil):
    approver = member_of("approver")
    link, token = review_link_create(post=pending, actor=approver)
    if spoil == "revoke":
        review_link_revoke(link=link, actor=approver)
    elif spoil == "expire":
        ClientReviewLink.objects.filter(pk=link.pk).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1))
    else:
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    path = reverse("client_review", kwargs={"token": token})
    assert client.get(path).status_code == 404
    client.post(path, {"decision": "approve", "comment": ""})
    pending.refresh_from_db()
    assert pending.status == "pending_approval"


def _two_steps(org, member_of):
    from content.services.approval_steps import StepData, approval_step_create

    admin = member_of("admin")
    legal, _ = approval_step_create(organization=org, actor=admin,
                                    data=StepData(name="Legal", role="approver"))
    lead, _ = approval_step_create(organization=org, actor=admin,
                                   data=StepData(name="Lead", role="approver"))
    return legal, lead


def test_a_link_decides_only_the_step_it_was_made_for(client, org, make_post, member_of,
                                                      future):
    from content.services.workflow import post_approve

    org.approval_required = True
    org.save()
    editor, approver = member_of("editor"), member_of("approver")
    legal, _lead = _two_steps(org, member_of)
    post = make_post(author=editor, scheduled_at=future, text="For legal")
    post_submit(post=post, actor=editor)
    link, token = review_link_create(post=post, actor=approver, reviewer_name="Lena Legal")
    assert link.step == legal and link.step_name == "Legal"
    # Someone in the team approves the legal step first: the link no longer fits.
    post_approve(post=post, actor=approver)
    path = reverse("client_review", kwargs={"token": token})
    response = client.post(path, {"decision": "approve", "comment": ""})
    assert response.status_code in (400, 409)
    assert "no longer open" in response.content.decode()
    post.refresh_from_db()
    assert post.status == "pending_approval"
    assert PostApproval.objects.filter(post=post).count() == 1  # only the team's decision


def test_a_link_of_an_earlier_round_does_nothing(client, pending, member_of):
    from content.services.workflow import post_request_changes

    approver = member_of("approver")
    _link, token = review_link_create(post=pending, actor=approver)
    post_request_changes(post=pending, actor=approver, comment="Shorter, please")
    post_submit(post=pending, actor=pending.author)  # a new round, perhaps new content
    client.post(reverse("client_review", kwargs={"token": token}),
                {"decision": "approve", "comment": ""})
    pending.refresh_from_db()
    assert pending.status == "pending_approval"


def test_links_are_only_made_for_posts_waiting_for_approval(make_post, member_of):
    draft = make_post(author=member_of("editor"), text="Not submitted")
    with pytest.raises(ServiceError, match="Submit the post for approval first"):
        review_link_create(post=draft, actor=member_of("approver"))
    assert not ClientReviewLink.objects.exists()


def test_the_reviewer_gets_the_link_by_email_with_its_expiry(
        pending, member_of, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _link, token = review_link_create(post=pending, actor=member_of("approver"),
                                          reviewer_name="Carla Client",
                                          reviewer_email="carla@client.example", days=3)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["carla@client.example"]
    assert "review" in mail.subject and pending.organization.name in mail.subject
    assert reverse("client_review", kwargs={"token": token}) in mail.body
    assert "Carla Client" in mail.body and "The link works until" in mail.body
