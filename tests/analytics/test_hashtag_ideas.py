"""Hashtag ideas in the composer: own hashtags that did better, rising ones, with evidence."""

import datetime as dt

import pytest
from django.utils import timezone

from analytics.selectors.hashtags import own_best_hashtags, tags_in
from tests.analytics.helpers import measure, published
from tests.factories import ConnectedAccountFactory, OrganizationFactory
from tests.inbox.factories import InboxItemFactory

pytestmark = pytest.mark.django_db


def _post(account, text, likes, hours=5):
    target = published(account, timezone.now() - dt.timedelta(hours=hours), text=text)
    measure(target, likes=likes)
    return target


def test_own_hashtags_that_beat_the_average_come_first_with_their_evidence(org, account):
    _post(account, "Morning #ColdBrew", 40)
    _post(account, "Evening #coldbrew again", 60)
    _post(account, "Just #Monday", 2)
    _post(account, "Another #monday", 4)
    _post(account, "Once #Rare", 500)  # used once: no evidence of a pattern
    ideas = own_best_hashtags(org, [account.pk])
    assert [t.tag for t in ideas] == ["#coldbrew"]
    (cold,) = ideas
    assert (cold.posts, cold.average, cold.overall) == (2, 50, 40)  # the median, not 121


def test_tags_already_in_the_text_and_other_organisations_are_left_out(org, account):
    _post(account, "#coldbrew one", 40)
    _post(account, "#coldbrew two", 60)
    _post(account, "plain", 1)
    assert own_best_hashtags(org, [account.pk], exclude=tags_in("Try our #ColdBrew")) == []
    other = ConnectedAccountFactory(organization=OrganizationFactory())
    _post(other, "#theirs a", 90)
    _post(other, "#theirs b", 90)
    assert own_best_hashtags(org, [account.pk, other.pk])[0].tag == "#coldbrew"


def test_the_composer_fragment_shows_own_and_rising_tags(org, owner, account, login):
    _post(account, "#coldbrew one", 40)
    _post(account, "#coldbrew two", 60)
    _post(account, "plain", 1)
    now = timezone.now()
    for i in range(4):
        InboxItemFactory(organization=org, account=account, kind="listening",
                         text=f"Loving #Sommerfest {i}", created_at=now - dt.timedelta(days=1))
    InboxItemFactory(organization=org, account=account, kind="listening",
                     text="#Sommerfest last week", created_at=now - dt.timedelta(days=9))
    html = login(owner).get(f"/o/{org.slug}/analytics/hashtag-ideas/",
                            {"text": "Hello", "accounts": [account.pk]}).content.decode()
    assert 'data-hashtag-insert="#coldbrew"' in html
    assert "in 2 posts, 50 engagements on average (your posts' median: 40)" in html
    assert 'data-hashtag-insert="#sommerfest"' in html
    assert "4 results in the last 7 days, 1 in the 7 before" in html


def test_a_viewer_gets_no_ideas(org, login):
    from accounts.roles import Role
    from tests.factories import MembershipFactory

    viewer = MembershipFactory(organization=org, role=Role.VIEWER).user
    assert login(viewer).get(f"/o/{org.slug}/analytics/hashtag-ideas/").status_code == 403
