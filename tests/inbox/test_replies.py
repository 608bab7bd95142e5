"""Replies through the real sandbox: sent with a link, failures with the reason, retry, roles."""

import pytest
from django.urls import reverse

from accounts.models import AccountStatus, Membership
from accounts.services.errors import ServiceError
from inbox.models import InboxItem, InboxSettings, ReplyStatus
from inbox.services import (
    inbox_enqueue_due_polls,
    inbox_reply_approve,
    inbox_reply_create,
    inbox_reply_retry,
)

ROUTE_STATUSES = "POST /api/v1/statuses"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def account(connect_sandbox_account, org):
    return connect_sandbox_account(org, "acme_coffee", display_name="Acme Coffee")


@pytest.fixture
def item(sandbox, account):
    sandbox.inject("acme_coffee", "mention", text="@acme_coffee where is my order?",
                   author="ann@elsewhere")
    inbox_enqueue_due_polls()
    return InboxItem.objects.get(account=account, text__contains="my order")


def _membership(user, org):
    return Membership.objects.get(user=user, organization=org)


def test_a_reply_is_sent_threaded_with_a_link_and_counts_as_first_response(
        sandbox, item, member_of, org):
    editor = member_of("editor")
    reply = inbox_reply_create(item=item, membership=_membership(editor, org),
                               text="It ships today!")
    reply.refresh_from_db()
    item.refresh_from_db()
    assert reply.status == ReplyStatus.SENT and reply.remote_id and reply.remote_url
    assert item.first_response_at and item.first_responder == editor
    assert sandbox.created_count(str(reply.idempotency_key)) == 1
    stats = sandbox.stats()["statuses"]["by_key"][str(reply.idempotency_key)]
    assert stats["created"] == 1
    token = item.account.get_access_token()
    statuses = sandbox.statuses(item.account.external_id, token)
    sent = next(s for s in statuses if s["id"] == reply.remote_id)
    assert sent["in_reply_to_id"] == item.remote_id


def test_a_rejected_reply_fails_with_the_reason_and_can_be_retried(sandbox, item, owner, org):
    sandbox.faults({"route": ROUTE_STATUSES, "fault": "reject", "status": 422,
                    "message": "Text contains forbidden words"})
    membership = _membership(owner, org)
    reply = inbox_reply_create(item=item, membership=membership, text="Hello")
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.FAILED and "forbidden words" in reply.error
    inbox_reply_retry(reply=reply, membership=membership)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.SENT and reply.error == ""
    assert sandbox.created_count(str(reply.idempotency_key)) == 1


def test_transient_errors_are_retried_then_fail(sandbox, item, owner, org):
    sandbox.faults({"route": ROUTE_STATUSES, "fault": "error", "status": 503, "times": 3})
    reply = inbox_reply_create(item=item, membership=_membership(owner, org), text="Hi")
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.FAILED and reply.attempts == 3
    assert "could not be reached" in reply.error


def test_replying_when_the_account_needs_reconnecting_says_so(item, owner, org):
    type(item.account).objects.filter(pk=item.account_id).update(
        status=AccountStatus.NEEDS_RECONNECT)
    item.account.refresh_from_db()
    with pytest.raises(ServiceError, match="reconnected"):
        inbox_reply_create(item=item, membership=_membership(owner, org), text="Hi")
    assert not item.replies.exists()


def test_a_reply_over_the_limit_is_refused_with_the_limit(item, owner, org):
    from django.core.cache import cache

    cache.clear()  # limits are cached per sandbox URL; another test may have lowered them
    with pytest.raises(ServiceError) as info:
        inbox_reply_create(item=item, membership=_membership(owner, org), text="x" * 501)
    assert "500" in info.value.message
    assert not item.replies.exists()


def test_approval_required_holds_editor_replies_for_an_approver(sandbox, item, org, member_of):
    InboxSettings.objects.create(organization=org, replies_require_approval=True)
    editor, approver = member_of("editor"), member_of("approver")
    reply = inbox_reply_create(item=item, membership=_membership(editor, org), text="Soon!")
    assert reply.status == ReplyStatus.PENDING_APPROVAL
    assert sandbox.created_count(str(reply.idempotency_key)) == 0
    with pytest.raises(ServiceError):
        inbox_reply_approve(reply=reply, membership=_membership(editor, org))
    inbox_reply_approve(reply=reply, membership=_membership(approver, org))
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.SENT and reply.approved_by == approver


def test_viewer_cannot_reply(item, org, member_of):
    with pytest.raises(ServiceError):
        inbox_reply_create(item=item, membership=_membership(member_of("viewer"), org),
                           text="hi")


def test_reply_view_shows_errors_without_losing_the_text(item, org, owner, client):
    client.force_login(owner)
    url = reverse("inbox_item_reply", kwargs={"org_slug": org.slug, "pk": item.pk})
    response = client.post(url, {"text": "y" * 600})
    assert response.status_code == 400
    body = response.content.decode()
    assert "y" * 600 in body and "500" in body
    response = client.post(url, {"text": "Thanks!"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "View on the platform" in response.content.decode()


@pytest.mark.parametrize("text", ["Thanks\x00", "Thanks\x1b[31m", "x" * 10_001])
def test_the_reply_service_refuses_what_the_text_rule_refuses(sandbox, item, owner, org, text):
    # The same rule as the reply form and the API, for every caller of the service.
    with pytest.raises(ServiceError) as refused:
        inbox_reply_create(item=item, membership=_membership(owner, org), text=text)
    assert "control characters" in refused.value.message or "at most" in refused.value.message
    assert not item.replies.exists()
