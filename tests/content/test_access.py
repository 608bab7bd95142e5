"""Account restrictions in content: who sees which posts (one selector everywhere), who may
edit them (the service refuses, not only the composer), and `acting_as` for capped roles."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import AccountAccess, AuditEntry, Membership
from accounts.roles import Role
from accounts.services.errors import ServiceError
from content.models import Post, PostTarget
from content.selectors import accounts_off_limits, posts_visible_to
from content.services.access import Forbidden, acting_as, membership_of, require
from content.services.posts import PostData, post_create, post_update
from content.services.workflow import post_approve, post_submit
from content.workflows import PostState, TargetState

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2030, 3, 15, 9, 0, tzinfo=dt.UTC)


def url(name, **kw):
    return reverse(name, kwargs={"org_slug": "acme", **kw})


def restrict(user, org, accounts):
    membership = Membership.objects.get(user=user, organization=org)
    for account in accounts:
        AccountAccess.objects.create(membership=membership, account=account)
    return membership


@pytest.fixture
def scene(org, accounts, member_of):
    """An editor restricted to account A; posts to A only, to A and B, and to B only."""
    a, b = accounts
    author = member_of("approver")
    editor = member_of("editor")
    membership = restrict(editor, org, [a])

    def make(text, targets):
        return post_create(organization=org, actor=author,
                           data=PostData(text=text, account_ids=[t.pk for t in targets]))

    posts = {"mine": make("Only A", [a]), "both": make("A and B", [a, b]),
             "theirs": make("Only B", [b])}
    return {"editor": editor, "membership": membership, "author": author, "posts": posts,
            "a": a, "b": b}


def _schedule_all(scene):
    """Planned in 2030 (calendar, overview), targets scheduled as the pipeline expects."""
    for post in scene["posts"].values():
        Post.objects.filter(pk=post.pk).update(status=PostState.SCHEDULED, scheduled_at=WHEN)
        PostTarget.objects.filter(post=post).update(status=TargetState.SCHEDULED,
                                                    next_attempt_at=WHEN)


# --- the selector --------------------------------------------------------------------------

def test_a_restricted_member_sees_posts_with_at_least_one_of_their_accounts(scene):
    visible = set(posts_visible_to(scene["membership"]).values_list("text", flat=True))
    assert visible == {"Only A", "A and B"}


def test_unrestricted_members_and_admins_see_every_post(scene, org, member_of):
    editor = Membership.objects.get(user=member_of("editor"), organization=org)
    admin = restrict(member_of("admin"), org, [scene["a"]])  # rows do not bind admins
    for membership in (editor, admin):
        assert posts_visible_to(membership).count() == 3


def test_a_post_without_targets_hides_nothing(scene, org):
    empty = Post.objects.create(organization=org, author=scene["author"], text="No targets")
    assert posts_visible_to(scene["membership"]).filter(pk=empty.pk).exists()


def test_the_selector_narrows_a_given_queryset_and_stays_in_the_organisation(scene, org):
    drafts = Post.objects.for_org(org).filter(text__startswith="Only")
    assert list(posts_visible_to(scene["membership"], drafts).values_list("text", flat=True)) \
        == ["Only A"]


# --- each place that lists or shows posts ------------------------------------------------

def test_post_page_and_its_actions_are_404_for_a_post_only_on_other_accounts(scene, login):
    client = login(scene["editor"])
    theirs, both = scene["posts"]["theirs"], scene["posts"]["both"]
    assert client.get(url("post_detail", pk=theirs.pk)).status_code == 404
    assert client.post(url("post_comment", pk=theirs.pk), {"body": "Hi"}).status_code == 404
    assert client.post(url("post_submit", pk=theirs.pk)).status_code == 404
    assert Post.objects.get(pk=theirs.pk).status == PostState.DRAFT
    assert client.get(url("post_detail", pk=both.pk)).status_code == 200


def test_approvals_queue_and_its_counts_leave_out_hidden_posts(scene, org, login):
    for post in scene["posts"].values():
        post_submit(post=post, actor=scene["author"])
    client = login(scene["editor"])
    response = client.get(url("approvals") + "?tab=all")
    assert response.status_code == 200
    assert {p.text for p in response.context["posts"]} == {"Only A", "A and B"}
    assert response.context["counts"]["pending"] == 2
    assert response.context["content_counts"]["approvals"] == 2  # the navigation badge
    assert "Only B" not in response.content.decode()


def test_calendar_feed_and_preview_leave_out_hidden_posts(scene, login):
    _schedule_all(scene)
    client = login(scene["editor"])
    events = client.get(url("calendar_feed"), {"start": "2030-03-01T00:00:00Z",
                                               "end": "2030-04-01T00:00:00Z"}).json()
    assert {int(e["id"]) for e in events} == {scene["posts"]["mine"].pk,
                                              scene["posts"]["both"].pk}
    theirs = scene["posts"]["theirs"]
    assert client.get(url("calendar_preview", pk=theirs.pk)).status_code == 404


def test_overview_coming_up_and_counts_leave_out_hidden_posts(scene, login):
    _schedule_all(scene)
    response = login(scene["editor"]).get(url("dashboard"))
    summary = response.context["summary"]
    assert {p.text for p in summary["upcoming"]} == {"Only A", "A and B"}
    assert summary["scheduled"] == 2
    assert "Only B" not in response.content.decode()


# --- editing -------------------------------------------------------------------------------

def test_post_update_refuses_a_member_who_may_not_use_one_of_the_targets(scene):
    post = scene["posts"]["both"]
    with pytest.raises(ServiceError) as exc:
        post_update(post=post, actor=scene["editor"], expected_version=post.version,
                    data=PostData(text="Only mine now", account_ids=[scene["a"].pk]))
    assert exc.value.code == "accounts_off_limits"
    assert scene["b"].handle in exc.value.message
    fresh = Post.objects.get(pk=post.pk)
    assert fresh.text == "A and B" and fresh.version == post.version
    assert set(fresh.targets.values_list("account_id", flat=True)) == {scene["a"].pk,
                                                                       scene["b"].pk}
    assert not AuditEntry.objects.filter(verb="content.post.updated",
                                         target_id=str(post.pk)).exists()


def test_post_update_lets_restricted_members_edit_posts_on_their_accounts(scene):
    post = scene["posts"]["mine"]
    post_update(post=post, actor=scene["editor"], expected_version=post.version,
                data=PostData(text="Edited", account_ids=[scene["a"].pk]))
    assert Post.objects.get(pk=post.pk).text == "Edited"


def test_post_update_by_an_unrestricted_member_may_change_targets(scene, member_of):
    post = scene["posts"]["both"]
    post_update(post=post, actor=member_of("editor"), expected_version=post.version,
                data=PostData(text="Only A now", account_ids=[scene["a"].pk]))
    assert list(PostTarget.objects.filter(post=post).values_list("account_id", flat=True)) \
        == [scene["a"].pk]


def test_accounts_off_limits_names_the_accounts_an_edit_would_drop(scene, org, member_of):
    assert accounts_off_limits(scene["membership"], scene["posts"]["both"]) == [scene["b"]]
    assert accounts_off_limits(scene["membership"], scene["posts"]["mine"]) == []
    free = Membership.objects.get(user=member_of("editor"), organization=org)
    assert accounts_off_limits(free, scene["posts"]["theirs"]) == []


# --- acting_as -----------------------------------------------------------------------------

def _capped(user, org, role):
    real = Membership.objects.get(user=user, organization=org)
    return Membership(pk=real.pk, user=user, organization=org, role=role)


def test_acting_as_applies_to_that_user_in_that_organisation_only(org, other_org, owner,
                                                                  member_of):
    other = member_of("approver")
    Membership.objects.create(user=owner, organization=other_org, role=Role.OWNER)
    with acting_as(_capped(owner, org, Role.VIEWER)):
        assert membership_of(owner, org).role == Role.VIEWER
        with pytest.raises(Forbidden):
            require(owner, org, "post.edit")
        assert membership_of(other, org).role == Role.APPROVER
        assert membership_of(owner, other_org).role == Role.OWNER
    assert membership_of(owner, org).role == Role.OWNER


def test_acting_as_is_restored_after_an_error_and_when_nested(org, owner):
    with pytest.raises(RuntimeError), acting_as(_capped(owner, org, Role.VIEWER)):
        raise RuntimeError
    assert membership_of(owner, org).role == Role.OWNER
    with acting_as(_capped(owner, org, Role.EDITOR)):
        with acting_as(_capped(owner, org, Role.VIEWER)):
            assert membership_of(owner, org).role == Role.VIEWER
        assert membership_of(owner, org).role == Role.EDITOR


def test_a_capped_owner_cannot_approve_through_the_service(scene, org, owner):
    post = scene["posts"]["mine"]
    post_submit(post=post, actor=scene["author"])
    with acting_as(_capped(owner, org, Role.EDITOR)), pytest.raises(Forbidden):
        post_approve(post=post, actor=owner)
    assert Post.objects.get(pk=post.pk).status == PostState.PENDING
    assert post_approve(post=post, actor=owner).status == PostState.APPROVED
