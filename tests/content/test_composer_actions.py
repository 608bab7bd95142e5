"""The composer: which accounts a member may use, the state-following buttons, Add to queue,
and an occurrence edited in the composer leaving its series."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountAccess, Membership
from content.models import Frequency, Post, QueueSlot, RecurrenceOccurrence
from content.services.calendar import to_wall_clock
from content.services.recurrence import RuleSpec, recurrence_create, recurrence_edit_text
from content.services.workflow import post_approve, post_schedule, post_submit
from content.workflows import PostState
from tests.factories import ConnectedAccountFactory

pytestmark = pytest.mark.django_db


def url(name, **kw):
    return reverse(name, kwargs={"org_slug": "acme", **kw})


def buttons(html: str) -> list[tuple[str, str, bool]]:
    """(action, label, primary) of the composer's submit buttons, in order."""
    found = re.findall(r'<button type="submit" name="action" value="([a-z_]+)" '
                       r'class="btn( btn-primary)?"[^>]*>([^<]+)</button>', html)
    return [(action, label, bool(primary)) for action, primary, label in found]


def restrict(user, org, accounts):
    membership = Membership.objects.get(user=user, organization=org)
    for account in accounts:
        AccountAccess.objects.create(membership=membership, account=account)


def test_restricted_editor_is_offered_only_their_accounts(login, member_of, accounts, org):
    editor = member_of("editor")
    restrict(editor, org, [accounts[0]])
    html = login(editor).get(url("compose")).content.decode()
    assert f'value="{accounts[0].pk}" data-account' in html
    assert f'value="{accounts[1].pk}" data-account' not in html


def test_posting_to_a_restricted_account_is_a_clear_error_and_saves_nothing(
        login, member_of, accounts, org):
    editor = member_of("editor")
    restrict(editor, org, [accounts[0]])
    response = login(editor).post(url("compose"), {
        "text": "Hello", "accounts": [accounts[0].pk, accounts[1].pk], "action": "draft",
        "version": "0"})
    assert response.status_code == 400
    assert f"You may not post to {accounts[1].handle}" in response.content.decode()
    assert not Post.objects.exists()


def test_posting_to_another_organisations_account_is_404(login, member_of, accounts,
                                                         other_org):
    foreign = ConnectedAccountFactory(organization=other_org)
    response = login(member_of("editor")).post(url("compose"), {
        "text": "Hello", "accounts": [accounts[0].pk, foreign.pk], "action": "draft",
        "version": "0"})
    assert response.status_code == 404
    assert not Post.objects.exists()


def test_editing_cannot_add_another_organisations_account(login, member_of, accounts,
                                                         other_org, make_post):
    editor = member_of("editor")
    post = make_post(author=editor, account_ids=[accounts[0].pk])
    foreign = ConnectedAccountFactory(organization=other_org)
    response = login(editor).post(url("post_edit", pk=post.pk), {
        "text": "Hello", "accounts": [foreign.pk], "action": "draft", "version": post.version})
    assert response.status_code == 404
    assert list(post.targets.values_list("account_id", flat=True)) == [accounts[0].pk]


def test_buttons_follow_review_need_and_time(login, member_of, accounts, org):
    html = login(member_of("editor")).get(url("compose")).content.decode()
    # No approval required and no time yet: publishing now is the obvious next step.
    assert buttons(html) == [("draft", "Save draft", False), ("queue", "Add to queue", False),
                             ("schedule", "Schedule", False),
                             ("publish_now", "Publish now", True)]
    html = login(member_of("editor")).get(url("compose") + "?date=2030-03-04&time=09:30") \
        .content.decode()
    assert ("schedule", "Schedule", True) in buttons(html)
    org.approval_required = True
    org.save()
    html = login(member_of("editor")).get(url("compose")).content.decode()
    assert buttons(html) == [("draft", "Save draft", False), ("queue", "Add to queue", False),
                             ("submit", "Submit for approval", True)]


def test_a_post_in_review_or_scheduled_is_updated(login, member_of, accounts, org, make_post,
                                                  future):
    org.approval_required = True
    org.save()
    editor, approver = member_of("editor"), member_of("approver")
    post = make_post(author=editor)
    post_submit(post=post, actor=editor)
    html = login(editor).get(url("post_edit", pk=post.pk)).content.decode()
    assert buttons(html) == [("draft", "Update", True)]
    post_approve(post=post, actor=approver)
    html = login(editor).get(url("post_edit", pk=post.pk)).content.decode()
    assert [b[0] for b in buttons(html)] == ["draft", "queue", "schedule"]
    post_schedule(post=Post.objects.get(pk=post.pk), actor=approver, scheduled_at=future)
    html = login(editor).get(url("post_edit", pk=post.pk)).content.decode()
    assert buttons(html) == [("draft", "Update", True)]


def test_editing_an_approved_post_sends_it_back_to_review_with_a_message(
        login, member_of, accounts, org, make_post, future):
    org.approval_required = True
    org.save()
    editor, approver = member_of("editor"), member_of("approver")
    post = make_post(author=editor)
    post_submit(post=post, actor=editor)
    post_approve(post=post, actor=approver)
    client = login(editor)
    local = to_wall_clock(future, org.timezone)
    response = client.post(url("post_edit", pk=post.pk), {
        "text": "Changed after approval", "accounts": [a.pk for a in accounts],
        "action": "schedule", "version": Post.objects.get(pk=post.pk).version,
        "date": local.date().isoformat(), "time": local.strftime("%H:%M")}, follow=True)
    assert "back in review" in response.content.decode()
    post.refresh_from_db()
    assert post.status == PostState.PENDING and post.text == "Changed after approval"


def _slot_tomorrow(org, account, approver):
    from content.services.queue import queue_slot_add

    local = to_wall_clock(timezone.now(), org.timezone) + dt.timedelta(days=1)
    return queue_slot_add(organization=org, actor=approver, account=account,
                          weekday=local.weekday(), time=dt.time(8, 15))


def test_add_to_queue_from_the_composer_schedules_in_the_next_free_slot(
        login, member_of, accounts, org):
    _slot_tomorrow(org, accounts[0], member_of("approver"))
    response = login(member_of("editor")).post(url("compose"), {
        "text": "Queued", "accounts": [accounts[0].pk], "action": "queue", "version": "0"},
        follow=True)
    assert "Added to the queue" in response.content.decode()
    post = Post.objects.get()
    assert post.status == PostState.SCHEDULED
    local = to_wall_clock(post.scheduled_at, org.timezone)
    assert local.time() == dt.time(8, 15)
    assert local.date() == to_wall_clock(timezone.now(), org.timezone).date() \
        + dt.timedelta(days=1)


def test_add_to_queue_where_review_is_needed_plans_and_submits(login, member_of, accounts,
                                                               org):
    org.approval_required = True
    org.save()
    _slot_tomorrow(org, accounts[0], member_of("approver"))
    response = login(member_of("editor")).post(url("compose"), {
        "text": "Queued for review", "accounts": [accounts[0].pk], "action": "queue",
        "version": "0"}, follow=True)
    assert "submitted for approval" in response.content.decode()
    post = Post.objects.get()
    assert post.status == PostState.PENDING
    assert to_wall_clock(post.scheduled_at, org.timezone).time() == dt.time(8, 15)


def test_add_to_queue_without_slots_saves_nothing(login, member_of, accounts):
    response = login(member_of("editor")).post(url("compose"), {
        "text": "Nowhere", "accounts": [accounts[0].pk], "action": "queue", "version": "0"})
    assert response.status_code == 400
    assert "No free time slot" in response.content.decode()
    assert not Post.objects.exists() and not QueueSlot.objects.exists()


def test_post_page_offers_add_to_queue_for_a_draft(login, member_of, accounts, make_post):
    editor = member_of("editor")
    post = make_post(author=editor)
    html = login(editor).get(url("post_detail", pk=post.pk)).content.decode()
    assert url("post_add_to_queue", pk=post.pk) in html


def test_an_occurrence_edited_in_the_composer_is_left_alone_by_series_edits(
        login, member_of, accounts, org, make_post):
    approver = member_of("approver")
    template = make_post(author=approver, text="Weekly tip")
    rule = recurrence_create(post=template, actor=approver, spec=RuleSpec(
        frequency=Frequency.WEEKLY, weekdays=(0,), time=dt.time(9, 0),
        starts_on=timezone.localdate() + dt.timedelta(days=1), count=3))
    first, second, _third = rule.occurrences.select_related("post")
    post = first.post
    local = to_wall_clock(post.scheduled_at, post.timezone)
    response = login(approver).post(url("post_edit", pk=post.pk), {
        "text": "Special edition", "accounts": [a.pk for a in accounts], "action": "draft",
        "version": post.version, "date": local.date().isoformat(),
        "time": local.strftime("%H:%M")})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert RecurrenceOccurrence.objects.get(pk=first.pk).detached
    assert not RecurrenceOccurrence.objects.get(pk=second.pk).detached

    recurrence_edit_text(rule=rule, actor=approver, text="New tip for all", scope="future")
    assert Post.objects.get(pk=first.post_id).text == "Special edition"
    assert Post.objects.get(pk=second.post_id).text == "New tip for all"


def test_a_post_that_also_goes_to_an_account_off_limits_cannot_be_edited_by_them(
        login, member_of, accounts, org, make_post):
    post = make_post(author=member_of("approver"))  # for both accounts
    editor = member_of("editor")
    restrict(editor, org, [accounts[0]])
    client = login(editor)
    response = client.post(url("post_edit", pk=post.pk), {
        "text": "Only mine now", "accounts": [accounts[0].pk], "action": "draft",
        "version": post.version}, follow=True)
    assert f"also goes to {accounts[1].handle}" in response.content.decode()
    assert set(post.targets.values_list("account_id", flat=True)) == {a.pk for a in accounts}
    assert Post.objects.get(pk=post.pk).text != "Only mine now"


def test_add_to_queue_on_the_post_page_plans_and_submits_a_draft_needing_review(
        login, member_of, accounts, org, make_post):
    org.approval_required = True
    org.save()
    _slot_tomorrow(org, accounts[0], member_of("approver"))
    editor = member_of("editor")
    post = make_post(author=editor, account_ids=[accounts[0].pk])
    response = login(editor).post(url("post_add_to_queue", pk=post.pk), follow=True)
    assert "submitted for approval" in response.content.decode()
    post.refresh_from_db()
    assert post.status == PostState.PENDING
    assert to_wall_clock(post.scheduled_at, org.timezone).time() == dt.time(8, 15)


def test_add_to_queue_that_cannot_be_submitted_plans_nothing(login, member_of, accounts, org,
                                                             make_post):
    org.approval_required = True
    org.save()
    _slot_tomorrow(org, accounts[0], member_of("approver"))
    editor = member_of("editor")
    post = make_post(author=editor, text="x" * 900, account_ids=[accounts[0].pk])  # too long
    response = login(editor).post(url("post_add_to_queue", pk=post.pk), follow=True)
    assert response.status_code == 200
    post.refresh_from_db()
    assert post.status == PostState.DRAFT and post.scheduled_at is None
