"""Posts for an account that needs reconnecting wait — truthfully, and not forever — and every
successful publish, poll and metrics run records the account's last sync.

Real sandbox accounts (connected through OAuth), a real dispatcher + worker step (`tick`).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import AccountStatus, ConnectedAccount
from accounts.services import account_mark_needs_reconnect
from analytics.services.collection import metrics_collect_account
from content.models import Notification, PostTarget
from content.pipeline.resume import expire_waiting_targets, resume_paused
from inbox.models import SOURCE_INBOX, InboxCursor
from inbox.services.listening import inbox_poll_cursor

pytestmark = pytest.mark.django_db


def only_target(post) -> PostTarget:
    return PostTarget.objects.get(post=post)


def test_a_post_waits_for_the_reconnect_says_so_and_then_goes_out(
        org, owner, make_scheduled, tick, sandbox, brand, connect_sandbox_account, login,
        django_capture_on_commit_callbacks):
    post = make_scheduled("Autumn sale")
    sandbox.expire_tokens(brand.external_id, revoke_refresh=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert tick() == {only_target(post).pk: "paused"}
    target = only_target(post)
    assert target.waits_for_reconnect and "The access token is invalid" in target.last_error
    brand.refresh_from_db()
    assert brand.status == AccountStatus.NEEDS_RECONNECT
    assert Notification.objects.filter(user=owner,
                                       verb="accounts.account.needs_reconnect").exists()

    page = login(owner).get(f"/o/{org.slug}/posts/{post.pk}/").content.decode()
    assert 'data-testid="waits-for-reconnect"' in page
    assert "Waiting since" in page and "If it is not reconnected by" in page
    assert f"?account={brand.pk}" in page  # the owner may reconnect it from here
    assert tick(after=600) == {}  # nothing is retried meanwhile

    with django_capture_on_commit_callbacks(execute=True):
        connect_sandbox_account(org, "brand_a")  # the reconnect re-dispatches it
    assert tick() == {target.pk: "published"}
    assert sandbox.created_count(str(target.idempotency_key)) == 1
    brand.refresh_from_db()
    assert brand.status == AccountStatus.ACTIVE and brand.needs_reconnect_since is None


def test_noticed_by_the_poller_a_later_post_waits_and_fails_after_its_deadline(
        org, owner, author, make_scheduled, tick, sandbox, brand, settings,
        connect_sandbox_account, django_capture_on_commit_callbacks):
    settings.PUBLISH_RECONNECT_WAIT_HOURS = 24
    planned = timezone.now() + dt.timedelta(hours=2)
    post = make_scheduled("Monday news", at=planned)
    sandbox.expire_tokens(brand.external_id, revoke_refresh=True)
    cursor = InboxCursor.objects.create(account=brand, source=SOURCE_INBOX)
    with django_capture_on_commit_callbacks(execute=True):
        assert inbox_poll_cursor(cursor_id=cursor.pk).outcome == "auth_expired"
    target = only_target(post)
    assert target.status == "paused" and target.waits_for_reconnect  # before its time came
    assert target.reconnect_deadline == planned + dt.timedelta(hours=24)

    assert expire_waiting_targets(now=planned + dt.timedelta(hours=23)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_waiting_targets(now=planned + dt.timedelta(hours=24, seconds=1)) == 1
    target.refresh_from_db()
    assert target.status == "failed" and target.last_error_code == "reconnect_deadline"
    assert target.last_error.startswith(
        f"This post was not published to {brand.handle} because the account needs "
        "reconnecting since ")
    assert Notification.objects.filter(user=author, verb="content.target.failed",
                                       post=post).exists()
    # Reconnecting later does not send the stale post.
    with django_capture_on_commit_callbacks(execute=True):
        connect_sandbox_account(org, "brand_a")
    resume_paused()
    assert only_target(post).status == "failed"


def test_the_reason_is_written_in_the_organisations_language(
        org, make_scheduled, sandbox, brand, django_capture_on_commit_callbacks):
    org.language = "de"
    org.save()
    planned = timezone.now() + dt.timedelta(hours=1)
    post = make_scheduled("Neuigkeiten", at=planned)
    with django_capture_on_commit_callbacks(execute=True):
        account_mark_needs_reconnect(account=brand, reason="Sandbox: The access token is invalid")
    expire_waiting_targets(now=planned + dt.timedelta(days=2))
    assert "wurde nicht" in only_target(post).last_error


def test_publish_poll_and_metrics_record_the_last_sync(
        org, owner, make_scheduled, tick, sandbox, brand, login):
    assert brand.last_synced_at is None
    post = make_scheduled()
    assert tick() == {only_target(post).pk: "published"}
    published_sync = ConnectedAccount.objects.get(pk=brand.pk).last_synced_at
    assert published_sync is not None

    cursor = InboxCursor.objects.create(account=brand, source=SOURCE_INBOX)
    assert inbox_poll_cursor(cursor_id=cursor.pk).outcome == "ok"
    polled_sync = ConnectedAccount.objects.get(pk=brand.pk).last_synced_at
    assert polled_sync > published_sync

    assert metrics_collect_account(account_id=brand.pk).stopped == ""
    collected_sync = ConnectedAccount.objects.get(pk=brand.pk).last_synced_at
    assert collected_sync > polled_sync

    client = login(owner)
    page = client.get(f"/o/{org.slug}/settings/accounts/").content.decode()
    assert "Last successful sync" in page and "not yet" not in page
    assert f'datetime="{timezone.localtime(collected_sync).isoformat()}"'[:30] in page
    owner.language = "de"
    owner.save()
    page = client.get(f"/o/{org.slug}/settings/accounts/").content.decode()
    assert "Letzte erfolgreiche Synchronisierung" in page
