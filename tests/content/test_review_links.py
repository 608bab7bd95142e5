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
