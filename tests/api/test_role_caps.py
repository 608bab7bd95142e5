"""A token's capped role and its creator's account restrictions apply inside the content
services (via `acting_as`), on every post action, and never outlive the request."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import AccountAccess, AuditEntry, Membership
from accounts.roles import Role
from content.models import Post, PostTarget
from content.services.access import membership_of
from content.services.posts import PostData, post_create
from content.services.workflow import post_approve, post_submit
from content.workflows import PostState
from tests.factories import ConnectedAccountFactory, MembershipFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/posts/"


def _future(days=2):
    return (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0)


def _post(org, accounts, text="Hello", *, submit=False):
    author = MembershipFactory(organization=org, role=Role.APPROVER).user
    post = post_create(organization=org, actor=author,
                       data=PostData(text=text, account_ids=[a.pk for a in accounts]))
    if submit:
        post_submit(post=post, actor=author)
    return post


def _owner_token(org, issue_token, owner, role):
    return issue_token(org, role, user=owner)


# Every write on a post, as (method, path suffix, body).
ACTIONS = [
    ("patch", "", {"version": 1, "text": "Changed"}),
    ("delete", "", None),
    ("post", "submit/", {}),
    ("post", "approve/", {"comment": "ok"}),
    ("post", "request-changes/", {"comment": "no"}),
    ("post", "schedule/", {"scheduled_at": "2031-01-01T10:00:00Z"}),
    ("post", "schedule/", {"now": True}),
    ("post", "unschedule/", {}),
    ("post", "cancel/", {"reason": "x"}),
]


@pytest.mark.parametrize("method,suffix,body", ACTIONS)
def test_a_viewer_capped_token_of_an_owner_changes_nothing(org, owner, account, api,
                                                           issue_token, method, suffix, body):
    post = _post(org, [account], submit=True)
    client = api(_owner_token(org, issue_token, owner, Role.VIEWER))
    before = AuditEntry.objects.filter(target_id=str(post.pk)).count()
    response = getattr(client, method)(f"{URL}{post.pk}/{suffix}", body, format="json")
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "permission_denied"
    fresh = Post.objects.get(pk=post.pk)
    assert (fresh.status, fresh.text, fresh.version) == (PostState.PENDING, "Hello", 1)
    assert AuditEntry.objects.filter(target_id=str(post.pk)).count() == before


def test_a_viewer_capped_token_cannot_create_but_can_read(org, owner, account, api,
                                                         issue_token):
    post = _post(org, [account])
    client = api(_owner_token(org, issue_token, owner, Role.VIEWER))
    refused = client.post(URL, {"text": "x", "targets": [{"account": account.pk}]},
                          format="json")
    assert refused.status_code == 403
    assert Post.objects.count() == 1
    assert client.get(f"{URL}{post.pk}/").status_code == 200


def test_an_editor_capped_owner_token_cannot_approve_or_decide(org, owner, account, api,
                                                               issue_token):
    """The permission layer lets editors reach approve; the service, acting with the capped
    membership, refuses because the open step is an approver's."""
    post = _post(org, [account], submit=True)
    client = api(_owner_token(org, issue_token, owner, Role.EDITOR))
    for suffix, body in (("approve/", {"comment": "ok"}),
                         ("request-changes/", {"comment": "no"})):
        response = client.post(f"{URL}{post.pk}/{suffix}", body, format="json")
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "forbidden"
    assert Post.objects.get(pk=post.pk).status == PostState.PENDING
    # The owner themselves may: it was the cap, and it did not outlive the requests.
    assert membership_of(owner, org).role == Role.OWNER
    assert post_approve(post=post, actor=owner).status == PostState.APPROVED


def test_an_editor_capped_owner_token_cannot_schedule_past_review(org, owner, account, api,
                                                                  issue_token):
    org.approval_required = True
    org.save(update_fields=["approval_required"])
    draft = _post(org, [account])
    client = api(_owner_token(org, issue_token, owner, Role.EDITOR))
    now = client.post(f"{URL}{draft.pk}/schedule/", {"now": True}, format="json")
    assert now.status_code == 403 and now.json()["code"] == "forbidden"
    later = client.post(f"{URL}{draft.pk}/schedule/", {"scheduled_at": _future().isoformat()},
                        format="json")
    assert later.status_code == 422 and later.json()["code"] == "not_approved"
    assert Post.objects.get(pk=draft.pk).status == PostState.DRAFT
    # An owner-capped token of the same owner may skip review: the cap made the difference.
    full = api(_owner_token(org, issue_token, owner, Role.OWNER))
    done = full.post(f"{URL}{draft.pk}/schedule/", {"scheduled_at": _future().isoformat()},
                     format="json")
    assert done.status_code == 200 and done.json()["status"] == "scheduled"


# --- the creator's account restrictions ----------------------------------------------------

@pytest.fixture
def restricted(org, account, api, issue_token):
    """A token of a member (demoted from admin to editor) restricted to `account`; posts to
    that account only, to it and another, and to the other only."""
    other = ConnectedAccountFactory(organization=org)
    membership = MembershipFactory(organization=org, role=Role.ADMIN)
    token = issue_token(org, Role.EDITOR, user=membership.user, user_role=Role.EDITOR)
    AccountAccess.objects.create(membership=Membership.objects.get(pk=membership.pk),
                                 account=account)
    posts = {"mine": _post(org, [account], "Mine"), "both": _post(org, [account, other], "Both"),
             "theirs": _post(org, [other], "Theirs")}
    return {"client": api(token), "posts": posts, "other": other}


def test_post_lists_and_details_leave_out_posts_only_on_other_accounts(restricted):
    client, posts = restricted["client"], restricted["posts"]
    listed = {p["text"] for p in client.get(URL).json()["results"]}
    assert listed == {"Mine", "Both"}
    assert client.get(f"{URL}{posts['theirs'].pk}/").status_code == 404
    assert client.post(f"{URL}{posts['theirs'].pk}/submit/", {}, format="json").status_code \
        == 404
    assert client.get(f"{URL}{posts['both'].pk}/").status_code == 200
    targets = {t["post"] for t in client.get("/api/v1/targets/").json()["results"]}
    assert targets == {posts["mine"].pk, posts["both"].pk}
    hidden_target = PostTarget.objects.get(post=posts["theirs"])
    assert client.get(f"/api/v1/targets/{hidden_target.pk}/").status_code == 404


def test_an_edit_that_would_drop_an_account_off_limits_is_refused(restricted, account):
    client, both = restricted["client"], restricted["posts"]["both"]
    response = client.patch(f"{URL}{both.pk}/", {
        "version": both.version, "text": "Only mine now",
        "targets": [{"account": account.pk}]}, format="json")
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "accounts_off_limits" and restricted["other"].handle in body["detail"]
    fresh = Post.objects.get(pk=both.pk)
    assert fresh.text == "Both" and fresh.version == both.version
    assert set(fresh.targets.values_list("account_id", flat=True)) == {
        account.pk, restricted["other"].pk}
    # Text only (targets left as they are) is refused the same way.
    text_only = client.patch(f"{URL}{both.pk}/", {"version": both.version, "text": "x"},
                             format="json")
    assert text_only.status_code == 422 and Post.objects.get(pk=both.pk).text == "Both"


def test_posts_on_the_members_own_accounts_stay_editable(restricted):
    mine = restricted["posts"]["mine"]
    response = restricted["client"].patch(f"{URL}{mine.pk}/", {
        "version": mine.version, "text": "Edited"}, format="json")
    assert response.status_code == 200, response.content
    assert Post.objects.get(pk=mine.pk).text == "Edited"
