"""A thread on X through the pipeline, against X API v2 faked at the HTTP layer: each part is
`POST /2/tweets` with `reply.in_reply_to_tweet_id` set to the part before it; the first
comment is a self-reply to the post."""

from __future__ import annotations

import json

import pytest
import responses

from content.models import PostTarget, TargetPart
from content.pipeline import parts_tick, publishing_tick
from content.services.posts import PostData, post_create
from content.services.workflow import post_publish_now
from tests.platforms import x_fake as fake

pytestmark = pytest.mark.django_db(transaction=True)  # platform calls run in a thread pool


@pytest.fixture(autouse=True)
def _x_app(monkeypatch):
    monkeypatch.setenv("X_CLIENT_ID", "x-client-id")
    monkeypatch.setenv("X_CLIENT_SECRET", "x-client-secret-value")


def test_an_x_thread_answers_each_part_and_the_comment_answers_the_post(org, member_of):
    account = fake.make_account(organization=org)
    created = fake.fixture("tweet_created")
    ids = iter(str(1445880548472328192 + n) for n in range(10))

    def create(request):
        body = json.loads(request.body)
        tweet = {**created["data"], "id": next(ids), "text": body["text"]}
        tweet["edit_history_tweet_ids"] = [tweet["id"]]
        return 201, {"content-type": "application/json"}, json.dumps({"data": tweet})

    post = post_create(organization=org, actor=member_of("editor"), data=PostData(
        text="Autumn sale, part one.\n---\nPart two.\n---\nPart three.",
        account_ids=[account.pk], first_comments={account.pk: "Shop: https://example.com"}))
    post_publish_now(post=post, actor=member_of("approver"))
    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.POST, f"{fake.API}/2/tweets", callback=create)
        target = PostTarget.objects.get(post=post)
        assert publishing_tick() == {target.pk: "published"}
        assert list(parts_tick().values()) == ["sent", "sent", "sent"]
        bodies = [json.loads(c.request.body) for c in rsps.calls]
    target.refresh_from_db()
    two, three, comment = TargetPart.objects.filter(target=target)
    assert bodies[0] == {"text": "Autumn sale, part one."}
    assert bodies[1] == {"text": "Part two.", "reply": {"in_reply_to_tweet_id": target.remote_id}}
    assert bodies[2] == {"text": "Part three.", "reply": {"in_reply_to_tweet_id": two.remote_id}}
    assert bodies[3] == {"text": "Shop: https://example.com",
                         "reply": {"in_reply_to_tweet_id": target.remote_id}}
    assert three.remote_url == f"https://x.com/acmecorp/status/{three.remote_id}"
    assert comment.status == "sent"
