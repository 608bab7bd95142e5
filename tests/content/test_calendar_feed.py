"""The calendar page and its JSON feed: filters, tenancy, visibility, constant queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ConnectedAccount
from accounts.roles import Role
from content.models import Label, Post, PostTarget
from content.workflows import PostState, TargetState
from tests.factories import ConnectedAccountFactory

pytestmark = pytest.mark.django_db

START = "2030-03-01T00:00:00Z"
END = "2030-04-01T00:00:00Z"


def _post(org, author, when, *, accounts, status=PostState.SCHEDULED, text="Hello",
          labels=(), target_status=None):
    post = Post.objects.create(organization=org, author=author, text=text, status=status,
                               scheduled_at=when, timezone=org.timezone)
    for account in accounts:
        PostTarget.objects.create(post=post, account=account, status=target_status or (
            TargetState.SCHEDULED if status == PostState.SCHEDULED else TargetState.PENDING))
    if labels:
        post.labels.set(labels)
    return post


@pytest.fixture
def two_accounts(org):
    return [ConnectedAccountFactory(organization=org, provider="mastodon", handle="@a@m.social"),
            ConnectedAccountFactory(organization=org, provider="x", handle="@brand_x")]


def _feed(client, org, **params):
    query = {"start": START, "end": END, **params}
    return client.get(f"/o/{org.slug}/calendar/feed/", query)


def test_feed_returns_wall_clock_times_in_the_organisations_zone(org, owner, login, two_accounts):
    # 09:30 in Berlin on 15 March 2030 (CET, UTC+1) is 08:30 UTC
    when = dt.datetime(2030, 3, 15, 8, 30, tzinfo=dt.UTC)
    post = _post(org, owner, when, accounts=two_accounts, text="Spring is here")
    events = _feed(login(owner), org).json()
    assert len(events) == 1
    event = events[0]
    assert event["id"] == str(post.pk)
    assert event["start"] == "2030-03-15T09:30"
    assert event["title"] == "Spring is here"
    assert event["extendedProps"]["status"] == "scheduled"
    assert event["extendedProps"]["statusLabel"] == "Scheduled"
    assert {t["platform"] for t in event["extendedProps"]["targets"]} == {"mastodon", "x"}
    # The icon's accessible name is the network's name, not a code.
    assert {t["platformName"] for t in event["extendedProps"]["targets"]} == {"Mastodon", "X"}


def test_feed_uses_the_users_own_time_zone_when_set(org, owner, login, two_accounts):
    owner.timezone = "Asia/Kolkata"  # a non-hour offset, UTC+5:30
    owner.save()
    _post(org, owner, dt.datetime(2030, 3, 15, 8, 30, tzinfo=dt.UTC), accounts=two_accounts)
    assert _feed(login(owner), org).json()[0]["start"] == "2030-03-15T14:00"
    page = login(owner).get(f"/o/{org.slug}/calendar/")
    assert "Asia/Kolkata" in page.content.decode()


def test_feed_filters_by_account_platform_status_label_and_author(org, owner, member_of, login,
                                                                  two_accounts):
    masto, x = two_accounts
    editor = member_of(Role.EDITOR)
    label = Label.objects.create(organization=org, name="Launch")
    base = dt.datetime(2030, 3, 10, 9, 0, tzinfo=dt.UTC)
    p1 = _post(org, owner, base, accounts=[masto], labels=[label])
    p2 = _post(org, editor, base + dt.timedelta(days=1), accounts=[x], status=PostState.DRAFT)
    p3 = _post(org, owner, base + dt.timedelta(days=2), accounts=[x],
               target_status=TargetState.FAILED)
    client = login(owner)

    def ids(**params):
        return {int(e["id"]) for e in _feed(client, org, **params).json()}

    assert ids() == {p1.pk, p2.pk, p3.pk}
    assert ids(account=masto.pk) == {p1.pk}
    assert ids(platform="x") == {p2.pk, p3.pk}
    assert ids(status="draft") == {p2.pk}
    assert ids(status="failed") == {p3.pk}
    assert ids(status=["draft", "failed"]) == {p2.pk, p3.pk}
    assert ids(label=label.pk) == {p1.pk}
    assert ids(author=editor.pk) == {p2.pk}
    failed = next(e for e in _feed(client, org).json() if e["id"] == str(p3.pk))
    assert failed["extendedProps"]["status"] == "failed"
    assert "ev-status-failed" in failed["classNames"]


def test_feed_leaves_out_other_organisations_and_hidden_accounts(org, other_org, owner, outsider,
                                                                 member_of, login, two_accounts):
    from accounts.models import AccountAccess

    theirs = ConnectedAccountFactory(organization=other_org)
    _post(other_org, outsider, dt.datetime(2030, 3, 5, 9, tzinfo=dt.UTC), accounts=[theirs])
    mine = _post(org, owner, dt.datetime(2030, 3, 6, 9, tzinfo=dt.UTC), accounts=[two_accounts[0]])
    hidden = _post(org, owner, dt.datetime(2030, 3, 7, 9, tzinfo=dt.UTC),
                   accounts=[two_accounts[1]])
    assert {e["id"] for e in _feed(login(owner), org).json()} == {str(mine.pk), str(hidden.pk)}
    editor = member_of(Role.EDITOR)
    membership = editor.memberships.get(organization=org)
    AccountAccess.objects.create(membership=membership, account=two_accounts[0])
    client = login(editor)
    assert [e["id"] for e in _feed(client, org).json()] == [str(mine.pk)]
    assert client.get(f"/o/{org.slug}/calendar/posts/{hidden.pk}/preview/").status_code == 404
    assert login(outsider).get(f"/o/{org.slug}/calendar/feed/",
                               {"start": START, "end": END}).status_code == 404


def test_feed_refuses_bad_or_huge_ranges(org, owner, login):
    client = login(owner)
    assert client.get(f"/o/{org.slug}/calendar/feed/", {"start": "nope", "end": END}) \
        .status_code == 400
    assert client.get(f"/o/{org.slug}/calendar/feed/",
                      {"start": "2030-01-01", "end": "2031-01-01"}).status_code == 400


def test_past_posts_and_published_posts_are_not_draggable(org, owner, login, two_accounts):
    past = _post(org, owner, timezone.now() - dt.timedelta(days=1), accounts=two_accounts)
    future = _post(org, owner, timezone.now() + dt.timedelta(days=1), accounts=two_accounts)
    out = _post(org, owner, timezone.now() + dt.timedelta(days=2), accounts=two_accounts,
                target_status=TargetState.PUBLISHED)
    now = timezone.now()
    events = {e["id"]: e for e in login(owner).get(f"/o/{org.slug}/calendar/feed/", {
        "start": (now - dt.timedelta(days=5)).strftime("%Y-%m-%dT00:00:00"),
        "end": (now + dt.timedelta(days=5)).strftime("%Y-%m-%dT00:00:00")}).json()}
    assert events[str(past.pk)]["editable"] is False
    assert events[str(future.pk)]["editable"] is True
    assert events[str(out.pk)]["editable"] is False
    assert events[str(out.pk)]["extendedProps"]["status"] == "published"


def test_a_viewer_sees_the_calendar_but_cannot_drag(org, owner, member_of, login, two_accounts):
    viewer = member_of(Role.VIEWER)
    _post(org, owner, dt.datetime(2030, 3, 6, 9, tzinfo=dt.UTC), accounts=two_accounts)
    [event] = _feed(login(viewer), org).json()
    assert event["editable"] is False
    page = login(viewer).get(f"/o/{org.slug}/calendar/")
    assert page.status_code == 200
    assert 'data-compose-url=""' in page.content.decode()


def _make_month(org, author, accounts, labels, n):
    posts = Post.objects.bulk_create([
        Post(organization=org, author=author, text=f"Post {i}", status=PostState.SCHEDULED,
             scheduled_at=dt.datetime(2030, 3, 1 + i % 28, 6 + i % 12, tzinfo=dt.UTC))
        for i in range(n)])
    PostTarget.objects.bulk_create([
        PostTarget(post=p, account=a, status=TargetState.SCHEDULED)
        for p in posts for a in accounts])
    through = Post.labels.through
    through.objects.bulk_create([through(post_id=p.pk, label_id=labels[i % len(labels)].pk)
                                 for i, p in enumerate(posts)])


def test_the_feed_uses_the_same_number_of_queries_for_10_and_2000_posts(
        org, owner, login, two_accounts, django_assert_num_queries):
    labels = [Label.objects.create(organization=org, name=f"L{i}") for i in range(3)]
    client = login(owner)
    _make_month(org, owner, two_accounts, labels, 10)
    _feed(client, org)  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert len(_feed(client, org).json()) == 10
    _make_month(org, owner, two_accounts, labels, 1990)
    # exactly as many queries for 2,000 posts (each with 2 targets and a label): no N+1
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(_feed(client, org).json()) == 2000
    feed_queries = [q for q in small.captured_queries if "content_" in q["sql"]]
    assert len(feed_queries) <= 6


def test_the_calendar_page_renders_with_filters_and_the_zone_link(org, owner, login, two_accounts):
    page = login(owner).get(f"/o/{org.slug}/calendar/", {"status": "draft"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="calendar"' in html and "Europe/Berlin" in html
    assert 'value="draft" checked' in html
    assert "Clear filter" in html
    assert "/preferences/" in html
    assert ConnectedAccount.objects.count() == 2
