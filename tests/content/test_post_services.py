import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.services.errors import Conflict, ServiceError
from content.models import Post, PostTarget
from content.services.posts import PostData, post_delete, post_duplicate, post_update
from content.services.transitions import post_transition, target_transition
from content.services.workflow import post_approve, post_schedule, post_submit
from tests.factories import ConnectedAccountFactory

pytestmark = pytest.mark.django_db


def data_of(post, **changes):
    base = dict(text=post.text, account_ids=list(post.targets.values_list("account_id", flat=True)),
                scheduled_at=post.scheduled_at)
    base.update(changes)
    return PostData(**base)


def test_create_makes_a_draft_with_one_target_per_account(make_post, accounts):
    post = make_post(overrides={accounts[0].pk: "Only here"})
    assert post.status == "draft"
    targets = {t.account_id: t for t in post.targets.all()}
    assert set(targets) == {a.pk for a in accounts}
    assert targets[accounts[0].pk].effective_text == "Only here"
    assert targets[accounts[1].pk].effective_text == "Hello world 👋"
    assert AuditEntry.objects.filter(verb="content.post.created", target_id=str(post.pk)).exists()


@pytest.mark.parametrize("kwargs, code", [
    ({"text": "   ", "account_ids": None}, "empty"),
    ({"account_ids": []}, "no_accounts"),
])
def test_bad_input_is_refused_and_nothing_saved(make_post, kwargs, code):
    if kwargs.get("account_ids") is None:
        kwargs.pop("account_ids")
    with pytest.raises(ServiceError) as exc:
        make_post(**kwargs)
    assert exc.value.code == code
    assert not Post.objects.exists()


def test_account_of_another_org_is_refused(make_post, other_org):
    foreign = ConnectedAccountFactory(organization=other_org)
    with pytest.raises(ServiceError):
        make_post(account_ids=[foreign.pk])
    assert not Post.objects.exists()


def test_viewer_cannot_create(make_post, member_of):
    with pytest.raises(ServiceError) as exc:
        make_post(author=member_of("viewer"))
    assert exc.value.code == "forbidden"


def test_second_save_on_an_old_version_is_told_and_changes_nothing(make_post, member_of):
    post = make_post()
    alice, bob = member_of("editor"), member_of("editor")
    version = post.version
    post_update(post=post, actor=alice, data=data_of(post, text="Alice's"),
                expected_version=version)
    with pytest.raises(Conflict) as exc:
        post_update(post=post, actor=bob, data=data_of(post, text="Bob's"),
                    expected_version=version)
    assert "Someone else changed this post" in exc.value.message
    post.refresh_from_db()
    assert post.text == "Alice's"
    assert post.version == version + 1


def test_editing_a_scheduled_post_sends_it_back_for_approval(org, make_post, member_of, future):
    org.approval_required = True
    org.save()
    editor, approver = member_of("editor"), member_of("approver")
    post = make_post(author=editor, scheduled_at=future)
    post_submit(post=post, actor=editor)
    post_approve(post=post, actor=approver)
    post.refresh_from_db()
    assert post.status == "scheduled"
    assert set(post.targets.values_list("status", flat=True)) == {"scheduled"}
    post_update(post=post, actor=editor, data=data_of(post, text="changed after approval"),
                expected_version=post.version)
    post.refresh_from_db()
    assert post.status == "pending_approval"
    assert set(post.targets.values_list("status", flat=True)) == {"pending"}


def test_editing_without_content_change_keeps_schedule_and_moves_targets(make_post, member_of,
                                                                        future):
    approver = member_of("approver")
    post = make_post(author=approver)
    post_schedule(post=post, actor=approver, scheduled_at=future)
    later = future + dt.timedelta(hours=3)
    post.refresh_from_db()
    post_update(post=post, actor=approver, data=data_of(post, scheduled_at=later),
                expected_version=post.version)
    post.refresh_from_db()
    assert post.status == "scheduled"
    assert set(post.targets.values_list("next_attempt_at", flat=True)) == {later}


def test_delete_only_drafts_and_archive_published(make_post, member_of, future):
    approver = member_of("approver")
    draft = make_post(author=approver)
    assert post_delete(post=draft, actor=approver) == "deleted"
    assert not Post.objects.filter(pk=draft.pk).exists()

    post = make_post(author=approver)
    post_schedule(post=post, actor=approver, scheduled_at=future)
    post.refresh_from_db()
    with pytest.raises(ServiceError):
        post_delete(post=post, actor=approver)
    target = post.targets.first()
    target_transition(target, "publishing")
    target_transition(target, "published", remote_id="1", published_at=timezone.now())
    # A published post is deleted on its platform first (content.services.deletion, tested
    # in tests/content/pipeline/test_deletion.py); it is archived once that is done.
    assert post_delete(post=post, actor=approver) == "deleting"
    post.refresh_from_db()
    assert post.status == "scheduled"
    assert target.__class__.objects.get(pk=target.pk).deletion.status == "queued"
    assert post.delivery_status == "published"  # the other target was cancelled


def test_duplicate_copies_texts_accounts_and_labels_as_a_new_draft(make_post, member_of,
                                                                   accounts):
    post = make_post(overrides={accounts[1].pk: "X version"})
    copy = post_duplicate(post=post, actor=member_of("editor"))
    assert copy.pk != post.pk and copy.status == "draft" and copy.scheduled_at is None
    assert {t.account_id: t.text for t in copy.targets.all()} == {
        t.account_id: t.text for t in post.targets.all()}


def test_transition_is_compare_and_set(make_post, member_of):
    post = make_post()
    stale = Post.objects.get(pk=post.pk)
    post_transition(post, "pending_approval", actor=None)
    with pytest.raises(Conflict):
        post_transition(stale, "pending_approval", actor=None)


def test_illegal_transition_is_refused_with_a_message(make_post):
    post = make_post()
    with pytest.raises(ServiceError) as exc:
        post_transition(post, "approved", actor=None)
    assert exc.value.code == "illegal_transition"
    assert "cannot become" in exc.value.message
    target = PostTarget.objects.filter(post=post).first()
    with pytest.raises(ServiceError):
        target_transition(target, "published")
