"""Every post phase × every post action, through the services and over HTTP.

The table in `content.workflows.ACTIONS` is the one truth: an action it allows works,
one it refuses is refused with a reason and changes nothing, and the post page offers
exactly the buttons the table allows.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services.errors import ServiceError
from content.models import Post, PostTarget
from content.services.posts import PostData, post_delete, post_duplicate, post_update
from content.services.queue import post_add_to_queue, queue_slot_add
from content.services.transitions import post_transition, target_transition
from content.services.workflow import (
    post_approve,
    post_cancel,
    post_publish_now,
    post_request_changes,
    post_schedule,
    post_submit,
    post_unschedule,
)
from content.workflows import ACTIONS, Action, Phase, TargetState

pytestmark = pytest.mark.django_db
T = TargetState


def _targets(post):
    return list(PostTarget.objects.filter(post=post).order_by("pk"))


def _move(target, *states):
    for state in states:
        extra = {"next_attempt_at": timezone.now() + dt.timedelta(days=1)} \
            if state == T.SCHEDULED else {}
        if state == T.PUBLISHED:
            extra = {"remote_url": f"https://social.example/p/{target.pk}",
                     "published_at": timezone.now()}
        if state == T.FAILED:
            extra = {"last_error": "The network refused the image (too large)."}
        target_transition(target, state, **extra)


def _scheduled(make_post, owner, future):
    post = make_post(author=owner)
    post_schedule(post=post, actor=owner, scheduled_at=future)
    return post


def _delivered(*outcomes):
    """A scheduled post whose targets went through the pipeline to `outcomes`."""
    def build(make_post, owner, future):
        post = _scheduled(make_post, owner, future)
        for target, outcome in zip(_targets(post), outcomes, strict=True):
            if outcome == T.SCHEDULED:
                continue
            _move(target, T.PUBLISHING, *([] if outcome == T.PUBLISHING else [outcome]))
        return post
    return build


def _draft(make_post, owner, future):
    return make_post(author=owner)


def _in_review(make_post, owner, future):
    post = make_post(author=owner)
    post_submit(post=post, actor=owner)
    return post


def _changes(make_post, owner, future):
    post = _in_review(make_post, owner, future)
    post_request_changes(post=post, actor=owner, comment="Add the price, please.")
    return post


def _approved(make_post, owner, future):
    post = _in_review(make_post, owner, future)
    post_approve(post=post, actor=owner)
    return post


def _publishing_now(make_post, owner, future):
    post = _scheduled(make_post, owner, future)
    post_publish_now(post=post, actor=owner)  # due at once: the dispatcher takes it next
    return post


def _cancelled(make_post, owner, future):
    post = make_post(author=owner)
    post_cancel(post=post, actor=owner)
    return post


def _archived(make_post, owner, future):
    post = _delivered(T.PUBLISHED, T.PUBLISHED)(make_post, owner, future)
    for target in _targets(post):
        target_transition(target, T.DELETED)
    post_transition(Post.objects.get(pk=post.pk), Phase.ARCHIVED, actor=owner)
    return post


PHASES = {
    Phase.DRAFT: _draft,
    Phase.IN_REVIEW: _in_review,
    Phase.CHANGES: _changes,
    Phase.APPROVED: _approved,
    Phase.SCHEDULED: _scheduled,
    Phase.QUEUED: _publishing_now,
    Phase.PUBLISHING: _delivered(T.PUBLISHING, T.SCHEDULED),
    "partly_published (one still waits)": _delivered(T.PUBLISHED, T.SCHEDULED),
    Phase.PUBLISHED: _delivered(T.PUBLISHED, T.PUBLISHED),
    Phase.PARTLY: _delivered(T.PUBLISHED, T.FAILED),
    Phase.FAILED: _delivered(T.FAILED, T.FAILED),
    Phase.UNCONFIRMED: _delivered(T.PUBLISHED, T.UNCONFIRMED),
    Phase.CANCELLED: _cancelled,
    Phase.ARCHIVED: _archived,
}


def _phase_of(name: str) -> str:
    return name.split(" ")[0]


def _edit(post, actor, future):
    post_update(post=post, actor=actor, expected_version=post.version, data=PostData(
        text="Edited text", account_ids=[t.account_id for t in _targets(post)]))


SERVICE_ACTIONS = {
    Action.EDIT: _edit,
    Action.SUBMIT: lambda p, a, f: post_submit(post=p, actor=a),
    Action.APPROVE: lambda p, a, f: post_approve(post=p, actor=a),
    Action.REQUEST_CHANGES: lambda p, a, f: post_request_changes(post=p, actor=a,
                                                                 comment="Shorter"),
    # schedule and reschedule are one service call; the phase decides which it is
    Action.SCHEDULE: lambda p, a, f: post_schedule(post=p, actor=a, scheduled_at=f),
    Action.PUBLISH_NOW: lambda p, a, f: post_publish_now(post=p, actor=a),
    Action.QUEUE: lambda p, a, f: post_add_to_queue(post=p, actor=a),
    Action.UNSCHEDULE: lambda p, a, f: post_unschedule(post=p, actor=a),
    Action.CANCEL: lambda p, a, f: post_cancel(post=p, actor=a),
    Action.DUPLICATE: lambda p, a, f: post_duplicate(post=p, actor=a),
    Action.DELETE: lambda p, a, f: post_delete(post=p, actor=a),
}


def _allowed(phase: str, action: str) -> bool:
    if action == Action.SCHEDULE:
        return bool({Action.SCHEDULE, Action.RESCHEDULE} & ACTIONS[phase])
    return action in ACTIONS[phase]


def _snapshot(post):
    return (Post.objects.get(pk=post.pk).status,
            [(t.status, t.next_attempt_at) for t in _targets(post)])


@pytest.fixture
def slots(org, owner, accounts):
    for account in accounts:
        for weekday in range(7):
            queue_slot_add(organization=org, actor=owner, account=account, weekday=weekday,
                           time=dt.time(9, 0))


def test_the_table_names_every_phase():
    assert set(ACTIONS) == {v for k, v in vars(Phase).items() if k.isupper()}
    assert all(Action.COMMENT in actions for actions in ACTIONS.values())


@pytest.mark.parametrize("action", sorted(SERVICE_ACTIONS))
@pytest.mark.parametrize("name", sorted(PHASES))
def test_service_follows_the_table(name, action, make_post, owner, future, slots):
    post = PHASES[name](make_post, owner, future)
    post = Post.objects.get(pk=post.pk)
    phase = _phase_of(name)
    assert post.phase == phase
    before = _snapshot(post)
    if _allowed(phase, action):
        SERVICE_ACTIONS[action](post, owner, future)
    else:
        with pytest.raises(ServiceError) as refused:
            SERVICE_ACTIONS[action](post, owner, future)
        assert refused.value.message
        assert _snapshot(post) == before


BUTTONS = {  # url name on the post page → the action it performs
    "post_edit": {Action.EDIT},
    "post_submit": {Action.SUBMIT},
    "post_schedule": {Action.SCHEDULE, Action.RESCHEDULE},
    "post_publish_now": {Action.PUBLISH_NOW},
    "post_add_to_queue": {Action.QUEUE},
    "post_unschedule": {Action.UNSCHEDULE},
    "post_cancel": {Action.CANCEL},
    "post_duplicate": {Action.DUPLICATE},
}
POSTS = ("post_submit", "post_schedule", "post_publish_now", "post_unschedule", "post_cancel")


def url(name, **kw):
    return reverse(name, kwargs={"org_slug": "acme", **kw})


@pytest.mark.parametrize("name", sorted(PHASES))
def test_post_page_and_action_views_follow_the_table(name, make_post, owner, future, login):
    post = PHASES[name](make_post, owner, future)
    phase = _phase_of(name)
    client = login(owner)
    html = client.get(url("post_detail", pk=post.pk)).content.decode()
    for button, actions in BUTTONS.items():
        offered = f'action="{url(button, pk=post.pk)}"' in html \
            or f'href="{url(button, pk=post.pk)}"' in html
        assert offered == bool(actions & ACTIONS[phase]), (phase, button)
    for view in POSTS:
        if BUTTONS[view] & ACTIONS[phase]:
            continue
        before = _snapshot(post)
        data = {"date": future.date().isoformat(), "time": "10:00"}
        page = client.post(url(view, pk=post.pk), data, follow=True).content.decode()
        assert _snapshot(post) == before, (phase, view)
        assert 'class="flash flash-error"' in page, (phase, view)


def test_published_post_shows_published_per_network_with_time_and_link(
        make_post, owner, future, login):
    post = _delivered(T.PUBLISHED, T.PUBLISHED)(make_post, owner, future)
    html = login(owner).get(url("post_detail", pk=post.pk)).content.decode()
    assert ">Published<" in html and ">Scheduled<" not in html
    for target in _targets(post):
        assert target.remote_url in html
    for gone in ("post_publish_now", "post_unschedule", "post_cancel", "post_schedule"):
        assert url(gone, pk=post.pk) not in html


def test_partly_published_names_the_failed_network_and_offers_its_retry_only(
        make_post, owner, future, login):
    post = _delivered(T.PUBLISHED, T.FAILED)(make_post, owner, future)
    ok, failed = _targets(post)
    html = login(owner).get(url("post_detail", pk=post.pk)).content.decode()
    assert "Partly published" in html
    assert "The network refused the image (too large)." in html
    assert url("target_retry", pk=failed.pk) in html
    assert url("target_retry", pk=ok.pk) not in html
    assert url("post_publish_now", pk=post.pk) not in html


def test_second_publish_now_delivers_nothing_twice_and_says_why(
        make_post, owner, future, login):
    post = _scheduled(make_post, owner, future)
    client = login(owner)
    first = client.post(url("post_publish_now", pk=post.pk), follow=True).content.decode()
    assert "Publishing now" in first
    due = _snapshot(post)
    second = client.post(url("post_publish_now", pk=post.pk), follow=True).content.decode()
    assert "already queued to go out now" in second
    assert _snapshot(post) == due


def test_publish_now_on_a_published_post_is_refused(make_post, owner, future, login):
    post = _delivered(T.PUBLISHED, T.PUBLISHED)(make_post, owner, future)
    with pytest.raises(ServiceError, match="already been published"):
        post_publish_now(post=post, actor=owner)
    page = login(owner).post(url("post_publish_now", pk=post.pk), follow=True)
    assert "already been published on every network" in page.content.decode()
    assert [t.status for t in _targets(post)] == [T.PUBLISHED, T.PUBLISHED]


def test_the_composer_does_not_open_a_published_post(make_post, owner, future, login):
    post = _delivered(T.PUBLISHED, T.PUBLISHED)(make_post, owner, future)
    page = login(owner).get(url("post_edit", pk=post.pk), follow=True)
    assert page.redirect_chain[-1][0] == url("post_detail", pk=post.pk)
    assert "already been published on every network" in page.content.decode()
