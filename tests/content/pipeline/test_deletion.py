"""Deleting a published post on its platforms, end to end against the real sandbox server:
the choice of networks, one platform call per network, the result per network, the audit
log, the post.deleted webhook, failures that keep the post, and idempotent retries."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
import requests
import responses
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.services.errors import ServiceError
from api.models import WebhookDelivery
from api.services.webhooks import webhook_endpoint_create
from content.models import DeletionStatus, Post, PostTarget, TargetDeletion
from content.services.deletion import deletion_retry, run_deletions
from content.services.posts import post_delete
from tests.factories import ConnectedAccountFactory

pytestmark = pytest.mark.django_db

ROUTE_DELETE = "DELETE /api/v1/statuses/:id"
HOOK = "https://hooks.example.com/socialmgr"


@pytest.fixture
def published(make_scheduled, tick, brand, second_brand):
    """A post published to two sandbox accounts."""
    post = make_scheduled("Bald wieder weg", accounts=[brand, second_brand])
    assert set(tick().values()) == {"published"}
    return post


@pytest.fixture
def hooks(org, owner, monkeypatch):
    """An endpoint subscribed to post.deleted; its HTTP answered by a fake (the sandbox's
    loopback calls pass through)."""
    real = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: (
        [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port or 443))]
        if host == "hooks.example.com" else real(host, port, *a, **k)))
    webhook_endpoint_create(organization=org, actor=owner, url=HOOK, events=["post.deleted"])
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add_passthru("http://127.0.0.1")
        rsps.add_passthru("http://localhost")
        rsps.add(responses.POST, HOOK, status=200)
        yield rsps


def live(sandbox, target) -> bool:
    """Whether the sandbox still shows the status (GET as its owner)."""
    token = target.account.get_access_token()
    answer = requests.get(f"{sandbox.url}/api/v1/statuses/{target.remote_id}",
                          headers={"Authorization": f"Bearer {token}"}, timeout=10)
    return answer.status_code == 200


def targets(post) -> list[PostTarget]:
    return list(PostTarget.objects.filter(post=post).select_related("account", "deletion")
                .order_by("pk"))


def test_deleting_on_every_network_deletes_each_once_and_archives(
        published, approver, sandbox, hooks, django_capture_on_commit_callbacks):
    first, second = targets(published)
    assert live(sandbox, first) and live(sandbox, second)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = post_delete(post=published, actor=approver,
                              target_ids=[first.pk, second.pk])
    assert outcome == "deleting"
    for target in targets(published):
        assert target.status == "deleted"
        assert target.deletion.status == DeletionStatus.DELETED
        assert target.deletion.attempts == 1 and target.deletion.requested_by == approver
        assert not live(sandbox, target)
    assert sandbox.stats()["calls"][ROUTE_DELETE] == 2  # exactly once per network
    published.refresh_from_db()
    assert published.status == "archived"
    verbs = list(AuditEntry.objects.filter(organization=published.organization)
                 .values_list("verb", flat=True))
    assert "content.post.delete_requested" in verbs
    assert verbs.count("content.target.deleted") == 2
    assert "content.post.archived" in verbs
    events = WebhookDelivery.objects.filter(event="post.deleted")
    assert sorted(d.payload["data"]["target"]["id"] for d in events) == [first.pk, second.pk]
    assert {d.payload["data"]["target"]["status"] for d in events} == {"deleted"}


def test_deleting_on_one_network_keeps_the_other_live_and_the_post(
        published, approver, sandbox, django_capture_on_commit_callbacks):
    first, second = targets(published)
    with django_capture_on_commit_callbacks(execute=True):
        post_delete(post=published, actor=approver, target_ids=[first.pk])
    first, second = targets(published)
    assert first.status == "deleted" and not live(sandbox, first)
    assert second.status == "published" and live(sandbox, second)
    assert not hasattr(second, "deletion")
    published.refresh_from_db()
    assert published.status != "archived"


def test_no_network_chosen_is_refused_and_changes_nothing(published, approver):
    with pytest.raises(ServiceError, match="Choose at least one network"):
        post_delete(post=published, actor=approver, target_ids=[])
    assert not TargetDeletion.objects.exists()


def test_a_second_request_and_a_duplicate_message_call_the_platform_once(
        published, approver, sandbox, django_capture_on_commit_callbacks):
    first, _second = targets(published)
    post_delete(post=published, actor=approver, target_ids=[first.pk])  # task not run yet
    with pytest.raises(ServiceError, match="already being deleted"):
        post_delete(post=published, actor=approver, target_ids=[first.pk])
    deletion = TargetDeletion.objects.get()
    assert run_deletions([deletion.pk])[deletion.pk].status == DeletionStatus.DELETED
    assert run_deletions([deletion.pk]) == {}  # a redelivered message finds nothing to do
    assert sandbox.stats()["calls"][ROUTE_DELETE] == 1
    deletion.refresh_from_db()
    assert deletion.attempts == 1


def test_a_refused_delete_keeps_the_post_says_why_and_a_retry_deletes_it(
        published, approver, sandbox, django_capture_on_commit_callbacks):
    first, second = targets(published)
    sandbox.faults({"route": ROUTE_DELETE, "fault": "error", "status": 403, "times": 1})
    with django_capture_on_commit_callbacks(execute=True):
        post_delete(post=published, actor=approver, target_ids=[first.pk, second.pk])
    failed = [t for t in targets(published) if t.deletion.status == DeletionStatus.FAILED]
    assert len(failed) == 1
    [target] = failed
    assert target.status == "published" and live(sandbox, target)
    assert "refused" in target.deletion.last_error
    published.refresh_from_db()
    assert published.status != "archived"  # one network still shows it
    assert AuditEntry.objects.filter(verb="content.target.delete_failed").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        deletion_retry(deletion=target.deletion, actor=approver)
    target = PostTarget.objects.select_related("deletion").get(pk=target.pk)
    assert target.status == "deleted" and target.deletion.status == DeletionStatus.DELETED
    assert not live(sandbox, target)
    published.refresh_from_db()
    assert published.status == "archived"


def test_a_temporary_failure_is_tried_again_by_itself(
        published, approver, sandbox, django_capture_on_commit_callbacks):
    first, _second = targets(published)
    sandbox.faults({"route": ROUTE_DELETE, "fault": "error", "status": 503, "times": 1})
    with django_capture_on_commit_callbacks(execute=True):
        post_delete(post=published, actor=approver, target_ids=[first.pk])
    deletion = TargetDeletion.objects.get()
    assert deletion.status == DeletionStatus.DELETED and deletion.attempts == 2


def test_a_post_already_gone_on_the_platform_counts_as_deleted(
        published, approver, sandbox, django_capture_on_commit_callbacks):
    from platforms.registry import get_provider

    first, _second = targets(published)
    get_provider("sandbox").delete(first.account, first.remote_id)  # removed in the app
    with django_capture_on_commit_callbacks(execute=True):
        post_delete(post=published, actor=approver, target_ids=[first.pk])
    assert TargetDeletion.objects.get().status == DeletionStatus.DELETED
    assert PostTarget.objects.get(pk=first.pk).status == "deleted"


def test_a_delete_left_behind_by_a_dead_worker_can_be_retried(
        published, approver, sandbox, django_capture_on_commit_callbacks):
    first, _second = targets(published)
    post_delete(post=published, actor=approver, target_ids=[first.pk])
    deletion = TargetDeletion.objects.get()
    # a worker claimed it and died: the row is "deleting" with a lease
    TargetDeletion.objects.filter(pk=deletion.pk).update(
        status=DeletionStatus.DELETING, attempts=1,
        lease_expires_at=timezone.now() + dt.timedelta(minutes=1))
    deletion.refresh_from_db()
    assert not deletion.can_retry
    with pytest.raises(ServiceError):
        deletion_retry(deletion=deletion, actor=approver)
    TargetDeletion.objects.filter(pk=deletion.pk).update(
        lease_expires_at=timezone.now() - dt.timedelta(seconds=1))
    deletion.refresh_from_db()
    assert deletion.can_retry
    with django_capture_on_commit_callbacks(execute=True):
        deletion_retry(deletion=deletion, actor=approver)
    deletion.refresh_from_db()
    assert deletion.status == DeletionStatus.DELETED


def test_instagram_is_recorded_as_not_possible_without_a_call(
        org, published, approver, sandbox, django_capture_on_commit_callbacks):
    instagram = ConnectedAccountFactory(organization=org, provider="instagram",
                                        handle="acme.insta")
    insta = PostTarget.objects.create(post=published, account=instagram, status="published",
                                      remote_id="17895695668004550")
    ids = [t.pk for t in targets(published)]
    with django_capture_on_commit_callbacks(execute=True):
        assert post_delete(post=published, actor=approver, target_ids=ids) == "deleting"
    insta = PostTarget.objects.select_related("deletion").get(pk=insta.pk)
    assert insta.deletion.status == DeletionStatus.NOT_POSSIBLE
    assert "Instagram app" in insta.deletion.last_error
    assert insta.status == "published"  # still live on Instagram: that stays truthful
    assert Post.objects.get(pk=published.pk).status == "archived"


def test_another_organisations_deletion_cannot_be_retried(
        published, approver, other_org, outsider):
    post_delete(post=published, actor=approver, target_ids=None)
    deletion = TargetDeletion.objects.first()
    with pytest.raises(ServiceError):
        deletion_retry(deletion=deletion, actor=outsider)


# --- the page ---------------------------------------------------------------------------------

def test_the_dialog_lists_the_published_networks_and_warns_about_instagram(
        org, published, approver, login):
    instagram = ConnectedAccountFactory(organization=org, provider="instagram",
                                        handle="acme.insta")
    PostTarget.objects.create(post=published, account=instagram, status="published",
                              remote_id="17895695668004550")
    page = login(approver).get(f"/o/acme/posts/{published.pk}/").content.decode()
    for target in targets(published):
        assert f'name="targets" value="{target.pk}"' in page
    assert "Cannot be deleted through Instagram's API — remove it in the app." in page
    assert page.count("delete-not-possible") == 1


def test_deleting_through_the_page_shows_the_result_per_network(
        published, approver, login, sandbox, django_capture_on_commit_callbacks):
    first, second = targets(published)
    client = login(approver)
    sandbox.faults({"route": ROUTE_DELETE, "fault": "error", "status": 403, "times": 1})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/o/acme/posts/{published.pk}/delete/",
                    {"choose_networks": "1", "targets": [first.pk, second.pk]})
    page = client.get(f"/o/acme/posts/{published.pk}/").content.decode()
    assert "Deleting the post on the chosen networks" in page
    assert "Delete failed" in page and "Deleted" in page
    assert "Retry delete" in page and "The post is still online on this network." in page
    failed = TargetDeletion.objects.get(status=DeletionStatus.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/o/acme/posts/{published.pk}/deletions/{failed.pk}/retry/")
    failed.refresh_from_db()
    assert failed.status == DeletionStatus.DELETED


def test_ticking_no_network_on_the_page_is_a_clear_error(published, approver, login):
    response = login(approver).post(f"/o/acme/posts/{published.pk}/delete/",
                                    {"choose_networks": "1"}, follow=True)
    assert "Choose at least one network to delete the post from." in response.content.decode()
    assert not TargetDeletion.objects.exists()


def test_a_deletion_of_another_post_is_a_404(published, make_scheduled, tick, approver, login,
                                             brand):
    post_delete(post=published, actor=approver, target_ids=None)
    deletion = TargetDeletion.objects.first()
    other = make_scheduled("Ein anderer", accounts=[brand])
    response = login(approver).post(f"/o/acme/posts/{other.pk}/deletions/{deletion.pk}/retry/")
    assert response.status_code == 404


def test_deleting_a_thread_deletes_its_parts_and_first_comment_too(
        make_scheduled, tick, approver, sandbox, django_capture_on_commit_callbacks):
    from content.models import TargetPart
    from content.pipeline import parts_tick
    from content.services.parts import sync_parts

    post = make_scheduled("Eins.\n---\nZwei.\n---\nDrei.")
    (target,) = targets(post)
    sync_parts(target, first_comment="Der Kommentar")
    assert tick() == {target.pk: "published"}
    assert list(parts_tick().values()) == ["sent", "sent", "sent"]
    parts = list(TargetPart.objects.filter(target=target))
    with django_capture_on_commit_callbacks(execute=True):
        post_delete(post=post, actor=approver, target_ids=[target.pk])
    (target,) = targets(post)
    assert target.status == "deleted" and not live(sandbox, target)
    for part in parts:
        part.refresh_from_db()
        assert part.status == "deleted"
        target.remote_id = part.remote_id
        assert not live(sandbox, target)
    assert sandbox.stats()["calls"][ROUTE_DELETE] == 4  # three parts after the post, once each
