"""The private iCal feed: token shown once, hashed, revocable, scoped to what the user may see."""

import datetime as dt

import pytest
from icalendar import Calendar

from accounts.models import AccountAccess
from content.ical import feed_token_create, feed_token_revoke
from content.models import CalendarFeedToken, Post, PostTarget
from content.workflows import PostState
from tests.factories import ConnectedAccountFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _post(org, account, text, days=3, status=PostState.SCHEDULED):
    from django.utils import timezone

    post = Post.objects.create(organization=org, text=text, status=status,
                               scheduled_at=timezone.now() + dt.timedelta(days=days))
    PostTarget.objects.create(post=post, account=account)
    return post


def _summaries(client, token):
    response = client.get(f"/ical/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    return {str(e["summary"]) for e in cal.walk("VEVENT")}


def test_the_feed_holds_the_users_posts_of_every_organisation(org, other_org, owner, client):
    MembershipFactory(user=owner, organization=other_org, role="viewer")
    _post(org, ConnectedAccountFactory(organization=org), "Acme news")
    _post(other_org, ConnectedAccountFactory(organization=other_org), "Globex news")
    _post(org, ConnectedAccountFactory(organization=org), "Cancelled",
          status=PostState.CANCELLED)
    token = feed_token_create(user=owner)
    assert _summaries(client, token) == {"[Scheduled] Acme news", "[Scheduled] Globex news"}


def test_the_feed_leaves_out_accounts_the_member_may_not_see(org, member_of, client):
    editor = member_of("editor")
    allowed = ConnectedAccountFactory(organization=org)
    hidden = ConnectedAccountFactory(organization=org)
    AccountAccess.objects.create(membership=editor.memberships.get(), account=allowed)
    _post(org, allowed, "Mine")
    _post(org, hidden, "Not mine")
    assert _summaries(client, feed_token_create(user=editor)) == {"[Scheduled] Mine"}


def test_the_token_is_stored_hashed_and_regenerating_or_revoking_kills_the_old_one(owner,
                                                                                    client):
    first = feed_token_create(user=owner)
    stored = CalendarFeedToken.objects.get(user=owner)
    assert stored.token_hash != first and stored.token_hash == CalendarFeedToken.hash(first)
    second = feed_token_create(user=owner)
    assert client.get(f"/ical/{first}.ics").status_code == 404
    assert client.get(f"/ical/{second}.ics").status_code == 200
    assert feed_token_revoke(user=owner) is True
    assert client.get(f"/ical/{second}.ics").status_code == 404
    assert client.get("/ical/guess.ics").status_code == 404


def test_the_subscription_page_shows_the_address_once(org, owner, login):
    client = login(owner)
    created = client.post(f"/o/{org.slug}/calendar/ical/", {"action": "create"})
    html = created.content.decode()
    assert "/ical/" in html and ".ics" in html
    again = client.get(f"/o/{org.slug}/calendar/ical/").content.decode()
    assert "data-ical-url" in html and "data-ical-url" not in again  # the secret is shown once
    revoked = client.post(f"/o/{org.slug}/calendar/ical/", {"action": "revoke"})
    assert "revoked" in revoked.content.decode()
    assert not CalendarFeedToken.objects.filter(user=owner).exists()
