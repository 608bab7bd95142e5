"""The composer's threads and first comments: saved per account, counted per part, split at
sentence ends, shown per delivery on the post's page."""

import pytest
from django.urls import reverse

from content.models import Post, TargetPart
from lib.threads import join_parts, split_into_parts, split_parts, thread_text

pytestmark = pytest.mark.django_db


def url(name, **kw):
    return reverse(name, kwargs={"org_slug": "acme", **kw})


def test_parts_are_separated_by_a_line_of_three_dashes():
    text = "First part.\n---\nSecond part.\n  ---  \n\nThird part.\n---\n"
    assert split_parts(text) == ["First part.", "Second part.", "Third part."]
    assert split_parts("No thread --- here") == ["No thread --- here"]
    assert join_parts(text) == "First part.\n\nSecond part.\n\nThird part."
    assert split_parts(thread_text(["a", "b"])) == ["a", "b"]


def test_a_long_text_is_split_at_sentence_ends_into_parts_that_fit():
    text = "One two three. Four five six! Seven eight nine? Ten eleven."
    parts = split_into_parts(text, lambda p: len(p) <= 30)
    assert parts == ["One two three. Four five six!", "Seven eight nine? Ten eleven."]
    # a sentence longer than a part is cut between words
    assert split_into_parts("aaa bbb ccc ddd", lambda p: len(p) <= 8) == ["aaa bbb", "ccc ddd"]
    # parts that fit already are kept as they are
    assert split_into_parts("Short.\n---\nAlso short.", lambda p: len(p) <= 30) == [
        "Short.", "Also short."]


def test_compose_saves_a_thread_and_a_first_comment_per_account(login, member_of, accounts):
    client = login(member_of("editor"))
    response = client.post(url("compose"), {
        "text": "Our spring launch.\n---\nWhat is new.\n---\nWhere to get it.",
        "accounts": [accounts[0].pk, accounts[1].pk],
        f"first_comment_{accounts[0].pk}": "Shop: https://example.com/shop",
        "action": "draft", "version": "0"})
    assert response.status_code == 302
    post = Post.objects.get()
    first = post.targets.get(account=accounts[0])
    second = post.targets.get(account=accounts[1])
    assert [(p.kind, p.text) for p in first.parts.all()] == [
        ("thread", "What is new."), ("thread", "Where to get it."),
        ("comment", "Shop: https://example.com/shop")]
    assert [p.kind for p in second.parts.all()] == ["thread", "thread"]
    page = client.get(url("post_edit", pk=post.pk)).content.decode()
    assert "Shop: https://example.com/shop" in page  # the edit form shows it again
    detail = client.get(url("post_detail", pk=post.pk)).content.decode()
    assert "First comment" in detail and "Where to get it." in detail


def test_saving_unchanged_parts_keeps_their_idempotency_keys(make_post, accounts, member_of):
    from content.services.posts import PostData, post_update

    post = make_post(text="A.\n---\nB.")
    keys = set(TargetPart.objects.values_list("idempotency_key", flat=True))
    post_update(post=post, actor=member_of("editor"), expected_version=post.version,
                data=PostData(text="A.\n---\nB.", account_ids=[a.pk for a in accounts],
                              title="renamed"))
    assert set(TargetPart.objects.values_list("idempotency_key", flat=True)) == keys
    post.refresh_from_db()
    post_update(post=post, actor=member_of("editor"), expected_version=post.version,
                data=PostData(text="A.\n---\nC.", account_ids=[a.pk for a in accounts]))
    assert list(TargetPart.objects.values_list("text", flat=True)) == ["C.", "C."]


def test_each_part_is_counted_by_the_network_rule(login, member_of, accounts):
    client = login(member_of("editor"))
    fine = "\n---\n".join(["x" * 400] * 3)  # 1200 characters, each part fits
    response = client.post(url("compose_validate"), {"text": fine, "accounts": [accounts[0].pk]})
    assert "Part" not in response.content.decode()
    too_long = "fine\n---\n" + "y" * 600
    html = client.post(url("compose_validate"), {"text": too_long,
                                                 "accounts": [accounts[0].pk]}).content.decode()
    assert "Part 2 of 2" in html


def test_split_endpoint_cuts_the_text_for_the_chosen_networks(login, member_of, accounts):
    client = login(member_of("editor"))
    sentence = "This sentence is exactly fifty characters long ok. "
    response = client.post(url("compose_split"), {"text": sentence * 20,
                                                  "accounts": [accounts[0].pk]})
    assert response.status_code == 200
    data = response.json()
    parts = split_parts(data["text"])
    assert data["parts"] == len(parts) == 3  # nine sentences fit in 500 characters, ten not
    assert all(len(p) <= 500 and p.endswith(".") for p in parts)
    empty = client.post(url("compose_split"), {"text": "", "accounts": [accounts[0].pk]})
    assert empty.status_code == 400 and empty.json()["error"]


def test_retrying_a_part_of_another_organisation_is_a_404(login, member_of, make_post, org,
                                                          other_org, client):
    from tests.factories import ConnectedAccountFactory

    post = make_post(text="A.\n---\nB.")
    part = TargetPart.objects.filter(target__post=post).first()
    client = login(member_of("editor"))
    assert client.post(url("part_retry", pk=post.pk, part_pk=part.pk)).status_code == 302
    # a part id that belongs to another post is a 404 under this post
    other = make_post(text="C.\n---\nD.")
    assert client.post(url("part_retry", pk=other.pk, part_pk=part.pk)).status_code == 404
    assert ConnectedAccountFactory  # the factory is importable for the sweep's other orgs
