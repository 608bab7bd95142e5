"""Hiding a reply on the platform from the inbox (Threads' manage_reply), and showing it again."""

from urllib.parse import parse_qs

import pytest
import responses
from django.urls import reverse

from accounts.models import AccountStatus, AuditEntry
from accounts.roles import Role
from platforms.base import Tokens
from tests.factories import ConnectedAccountFactory
from tests.inbox.factories import InboxItemFactory
from tests.platforms.threads_harness import API, USER_ID, load

pytestmark = pytest.mark.django_db
REPLY = "18070011122233344"


@pytest.fixture
def threads_item(org):
    account = ConnectedAccountFactory(organization=org, provider="threads", external_id=USER_ID,
                                      handle="acme.gmbh", settings={"username": "acme.gmbh"})
    account.set_tokens(Tokens(access_token="threads-token", refresh_token="threads-token"))
    account.save()
    return InboxItemFactory(organization=org, account=account, kind="comment", remote_id=REPLY,
                            author_handle="lena.kauft", text="Gibt es die Jacke auch in Grün?")


def hide_url(org, item):
    return reverse("inbox_item_hide", kwargs={"org_slug": org.slug, "pk": item.pk})


def item_url(org, item):
    return reverse("inbox_item", kwargs={"org_slug": org.slug, "pk": item.pk})


@responses.activate
def test_hide_and_show_again_ask_threads_and_are_audited(login, owner, org, threads_item):
    responses.add("POST", f"{API}/{REPLY}/manage_reply", json={"success": True})
    client = login(owner)
    page = client.get(item_url(org, threads_item)).content.decode()
    assert "Hide on Threads" in page
    client.post(hide_url(org, threads_item), {"hidden": "1"})
    threads_item.refresh_from_db()
    assert threads_item.hidden_at is not None
    assert parse_qs(responses.calls[0].request.body) == {"hide": ["true"]}
    page = client.get(item_url(org, threads_item)).content.decode()
    assert "Hidden on Threads" in page and "Show on Threads again" in page
    # The same click again changes nothing and asks Threads nothing.
    client.post(hide_url(org, threads_item), {"hidden": "1"})
    assert len(responses.calls) == 1
    client.post(hide_url(org, threads_item), {"hidden": "0"})
    threads_item.refresh_from_db()
    assert threads_item.hidden_at is None
    assert parse_qs(responses.calls[1].request.body) == {"hide": ["false"]}
    verbs = list(AuditEntry.objects.filter(organization=org).order_by("pk")
                 .values_list("verb", flat=True))
    assert verbs[-2:] == ["inbox.item.hidden", "inbox.item.unhidden"]


@responses.activate
def test_a_refusal_by_threads_changes_nothing_and_says_why(login, owner, org, threads_item):
    responses.add("POST", f"{API}/{REPLY}/manage_reply", json=load("error_10_permission"),
                  status=400)
    response = login(owner).post(hide_url(org, threads_item), {"hidden": "1"})
    assert response.status_code == 400
    assert "did not change the visibility" in response.content.decode()
    threads_item.refresh_from_db()
    assert threads_item.hidden_at is None
    assert not AuditEntry.objects.filter(verb="inbox.item.hidden").exists()


@responses.activate
def test_an_expired_token_asks_for_reconnecting(login, owner, org, threads_item):
    responses.add("POST", f"{API}/{REPLY}/manage_reply", json=load("error_190_expired"),
                  status=400)
    response = login(owner).post(hide_url(org, threads_item), {"hidden": "1"})
    assert response.status_code == 400
    threads_item.account.refresh_from_db()
    assert threads_item.account.status == AccountStatus.NEEDS_RECONNECT


def test_only_what_the_platform_can_hide_offers_hiding(login, owner, org, threads_item):
    nested = InboxItemFactory(organization=org, account=threads_item.account, kind="reply",
                              parent_remote_id=REPLY)
    other = InboxItemFactory(organization=org, account=ConnectedAccountFactory(organization=org))
    client = login(owner)
    for item in (nested, other):
        assert "Hide on" not in client.get(item_url(org, item)).content.decode()
        assert client.post(hide_url(org, item), {"hidden": "1"}).status_code == 400
        item.refresh_from_db()
        assert item.hidden_at is None


def test_a_viewer_cannot_hide(login, member_of, org, threads_item):
    client = login(member_of(Role.VIEWER))
    assert client.post(hide_url(org, threads_item), {"hidden": "1"}).status_code == 403
    assert "Hide on" not in client.get(item_url(org, threads_item)).content.decode()
