"""Threads and first comments, one deterministic step at a time, against a real sandbox."""

from __future__ import annotations

import pytest

from content.models import PostTarget, TargetPart
from content.pipeline import parts_tick
from content.pipeline.parts import part_retry
from content.services.posts import PostData, post_create
from content.services.workflow import post_publish_now
from sandbox.control import ROUTE_STATUSES

pytestmark = pytest.mark.django_db

FIVE = "\n---\n".join(f"Part {n} of the story." for n in range(1, 6))


@pytest.fixture
def make_thread(org, brand, author, approver):
    def make(text: str = FIVE, *, first_comment: str = "", accounts=None):
        accounts = accounts or [brand]
        post = post_create(organization=org, actor=author, data=PostData(
            text=text, account_ids=[a.pk for a in accounts],
            first_comments={a.pk: first_comment for a in accounts}))
        return post_publish_now(post=post, actor=approver)

    return make


def _status(sandbox, target, status_id: str) -> dict:
    response = sandbox.session.get(
        f"{sandbox.url}/api/v1/statuses/{status_id}", timeout=5,
        headers={"Authorization": f"Bearer {target.account.get_access_token()}"})
    response.raise_for_status()
    return response.json()


def test_a_thread_goes_out_in_order_each_part_answering_the_one_before(
        make_thread, tick, sandbox):
    post = make_thread(first_comment="Link in the first comment: https://example.com")
    target = PostTarget.objects.get(post=post)
    parts = list(TargetPart.objects.filter(target=target))
    assert [(p.kind, p.position, p.text) for p in parts] == [
        *[("thread", n - 1, f"Part {n} of the story.") for n in range(2, 6)],
        ("comment", 5, "Link in the first comment: https://example.com")]
    assert parts_tick() == {}  # nothing before the post itself is out
    assert tick() == {target.pk: "published"}
    results = parts_tick()
    assert list(results.values()) == ["sent"] * 5  # the whole chain in one run
    target.refresh_from_db()
    parts = list(TargetPart.objects.filter(target=target))
    first = _status(sandbox, target, target.remote_id)
    assert "Part 1 of the story." in first["content"] and "Part 2" not in first["content"]
    parent = target.remote_id
    for part in parts[:4]:
        status = _status(sandbox, target, part.remote_id)
        assert status["in_reply_to_id"] == parent
        assert part.text in status["content"]
        assert sandbox.created_count(str(part.idempotency_key)) == 1
        parent = part.remote_id
    comment = _status(sandbox, target, parts[4].remote_id)
    assert comment["in_reply_to_id"] == target.remote_id  # a self-reply to the post
    assert parts_tick() == {}


def test_a_failure_in_part_3_of_5_resumes_from_part_3_without_repeating_1_and_2(
        make_thread, tick, sandbox, settings):
    settings.PUBLISH_MAX_ATTEMPTS = 1
    post = make_thread()
    target = PostTarget.objects.get(post=post)
    assert tick() == {target.pk: "published"}
    part2, part3, part4, part5 = TargetPart.objects.filter(target=target)
    # part 2 goes through, part 3 is refused by the platform
    sandbox.faults({"route": ROUTE_STATUSES, "fault": "error", "status": 503, "skip": 1,
                    "times": 1})
    results = parts_tick()
    assert results == {part2.pk: "sent", part3.pk: "failed"}
    for part in (part4, part5):
        part.refresh_from_db()
        assert part.status == "waiting"
    calls_before = sandbox.stats()["calls"][ROUTE_STATUSES]
    part3.refresh_from_db()
    assert part3.last_error_code == "uncertain"
    part_retry(part=part3, actor=post.author)
    results = parts_tick()
    assert results == {part3.pk: "sent", part4.pk: "sent", part5.pk: "sent"}
    stats = sandbox.stats()
    assert stats["calls"][ROUTE_STATUSES] == calls_before + 3  # parts 3, 4, 5 only
    assert sandbox.created_count(str(target.idempotency_key)) == 1
    for part in TargetPart.objects.filter(target=target):
        assert sandbox.created_count(str(part.idempotency_key)) == 1
    part3.refresh_from_db()
    part2.refresh_from_db()
    assert _status(sandbox, target, part3.remote_id)["in_reply_to_id"] == part2.remote_id


def test_a_lost_answer_for_a_part_is_found_instead_of_posting_it_again(make_thread, tick,
                                                                       sandbox):
    post = make_thread("One.\n---\nTwo.")
    target = PostTarget.objects.get(post=post)
    assert tick() == {target.pk: "published"}
    (part,) = TargetPart.objects.filter(target=target)
    sandbox.faults({"route": ROUTE_STATUSES, "fault": "lost", "times": 1})
    assert parts_tick() == {part.pk: "scheduled"}
    assert sandbox.created_count(str(part.idempotency_key)) == 1  # it did go out
    import datetime as dt

    from django.utils import timezone

    assert parts_tick(now=timezone.now() + dt.timedelta(hours=1)) == {part.pk: "sent"}
    assert sandbox.created_count(str(part.idempotency_key)) == 1
    part.refresh_from_db()
    assert part.remote_id == sandbox.stats()["statuses"]["by_key"][
        str(part.idempotency_key)]["status_ids"][0]


def test_a_part_whose_lease_expired_is_reconciled_not_sent_twice(make_thread, tick, sandbox):
    import datetime as dt

    from django.utils import timezone

    from content.pipeline.parts import claim_due, promote_ready, send_parts

    post = make_thread("One.\n---\nTwo.")
    target = PostTarget.objects.get(post=post)
    assert tick() == {target.pk: "published"}
    promote_ready()
    (claim,) = claim_due()
    send_parts([claim])  # it went out, but suppose the worker died before settling:
    TargetPart.objects.filter(pk=claim.part_id).update(
        status="sending", remote_id="", lease_expires_at=timezone.now())
    later = timezone.now() + dt.timedelta(seconds=5)
    assert parts_tick(now=later) == {claim.part_id: "sent"}
    part = TargetPart.objects.get(pk=claim.part_id)
    assert sandbox.created_count(str(part.idempotency_key)) == 1
    assert part.remote_id


def test_networks_without_threads_get_the_parts_as_one_post(org, author, approver,
                                                            connect_sandbox_account):
    from content.pipeline.worker import first_part

    account = connect_sandbox_account(org, "brand_c")
    post = post_create(organization=org, actor=author,
                       data=PostData(text="One.\n---\nTwo.", account_ids=[account.pk]))
    target = PostTarget.objects.get(post=post)
    assert first_part(target) == "One."
    account.provider = "linkedin"
    target.account = account
    assert first_part(target) == "One.\n\nTwo."


def test_the_rest_of_a_thread_waits_for_a_reconnect_and_then_goes_out(
        org, make_thread, tick, sandbox, brand, connect_sandbox_account,
        django_capture_on_commit_callbacks):
    post = make_thread()
    target = PostTarget.objects.get(post=post)
    assert tick() == {target.pk: "published"}
    sandbox.expire_tokens(brand.external_id, revoke_refresh=True)
    with django_capture_on_commit_callbacks(execute=True):
        results = parts_tick()
    first = TargetPart.objects.filter(target=target).order_by("position").first()
    assert results == {first.pk: "scheduled"}  # waiting, not failed
    first.refresh_from_db()
    assert first.last_error_code == "account_needs_reconnect" and first.attempts == 0
    assert "The access token is invalid" in first.last_error
    assert parts_tick() == {}  # not claimed again while the account waits
    with django_capture_on_commit_callbacks(execute=True):
        connect_sandbox_account(org, "brand_a")
    assert list(parts_tick().values()) == ["sent"] * 4
    assert all(sandbox.created_count(str(p.idempotency_key)) == 1
               for p in TargetPart.objects.filter(target=target))
