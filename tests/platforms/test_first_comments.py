"""First comments on Facebook, Instagram and LinkedIn, faked at the HTTP layer from the
documented payloads: `POST /{post-id}/comments` (Graph, Facebook pages),
`POST /{ig-media-id}/comments` (Instagram), `POST /rest/socialActions/{urn}/comments`
(LinkedIn), and finding the comment again after a lost answer."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
import requests
import responses

from content.models import PostTarget, TargetPart
from content.pipeline import parts_tick, publishing_tick
from content.services.posts import PostData, post_create
from content.services.workflow import post_publish_now
from platforms.base import PublishRequest
from platforms.errors import NotSupported
from platforms.linkedin import LinkedInProvider
from platforms.meta import FacebookPageProvider, InstagramProvider
from tests.platforms.meta_harness import IG_ID, PAGE_ID, G, form_fields, load, make_account
from tests.platforms.test_linkedin import ORG, POST, REST
from tests.platforms.test_linkedin import load as li_load
from tests.platforms.test_linkedin import make_account as li_account

FB_POST = "112233445566778_987654321098765"
IG_MEDIA = "17920238422030506"


@pytest.fixture(autouse=True)
def apps(settings):
    settings.META_APP_ID = "1234567890"
    settings.META_APP_SECRET = "meta-app-secret"
    settings.META_GRAPH_VERSION = "v23.0"
    settings.LINKEDIN_CLIENT_ID = "86abcdef0123xy"
    settings.LINKEDIN_CLIENT_SECRET = "linkedin-secret"
    settings.LINKEDIN_API_VERSION = "202510"


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def _enc(urn: str) -> str:
    return quote(urn, safe="")


# --- providers ----------------------------------------------------------------------------

@pytest.mark.django_db
def test_facebook_comments_as_the_page_and_finds_its_own_comment_again(rsps):
    account = make_account("facebook", PAGE_ID, "page-token", handle="acmegmbh")
    rsps.add("POST", f"{G}/{FB_POST}/comments", json=load("comment_created"))
    request = PublishRequest(text="Alle Infos: https://example.com/herbst", reply_to=FB_POST)
    made = FacebookPageProvider().comment(account, request)
    assert made.id == "987654321098765_111000000000099"
    assert form_fields(rsps.calls[-1].request)["message"] == request.text
    rsps.add("GET", f"{G}/{FB_POST}/comments", json=load("post_comments"))
    found = FacebookPageProvider().find_comment(account, request)
    assert found is not None and found.id == "987654321098765_111000000000099"
    other = PublishRequest(text="Wo gibt es das?", reply_to=FB_POST)  # someone else's comment
    assert FacebookPageProvider().find_comment(account, other) is None


@pytest.mark.django_db
def test_instagram_comments_on_the_media_and_finds_its_own_comment_again(rsps):
    account = make_account("instagram", IG_ID, "page-token-ig", handle="acme.gmbh",
                           settings={"username": "acme.gmbh"})
    rsps.add("POST", f"{G}/{IG_MEDIA}/comments", json=load("ig_reply_created"))
    request = PublishRequest(text="Alle Infos im Profil", reply_to=IG_MEDIA)
    assert InstagramProvider().comment(account, request).id == "17873440459141021"
    assert form_fields(rsps.calls[-1].request)["message"] == "Alle Infos im Profil"
    rsps.add("GET", f"{G}/{IG_MEDIA}/comments", json=load("ig_media_comments"))
    assert InstagramProvider().find_comment(account, request).id == "17873440459141021"


@pytest.mark.django_db
def test_linkedin_comments_as_the_author_with_actor_object_and_message(rsps):
    account = li_account("li-token-abc")
    rsps.add("POST", f"{REST}/socialActions/{_enc(POST)}/comments", status=201,
             json=li_load("first_comment_created"))
    request = PublishRequest(text="Bewerbungen bis Freitag: https://example.com/jobs",
                             reply_to=POST)
    made = LinkedInProvider().comment(account, request)
    assert made.id == "urn:li:comment:(urn:li:activity:7100000000000000001,7100000000000000888)"
    call = rsps.calls[-1].request
    assert json.loads(call.body) == {"actor": ORG, "object": POST,
                                     "message": {"text": request.text}}
    assert call.headers["LinkedIn-Version"] == "202510"
    listing = li_load("comments")
    listing["elements"].append(li_load("first_comment_created"))
    rsps.add("GET", f"{REST}/socialActions/{_enc(POST)}/comments", json=listing)
    assert LinkedInProvider().find_comment(account, request).id == made.id


@pytest.mark.django_db
def test_a_linkedin_member_comment_cannot_be_looked_up(rsps):
    member = li_account("li-token-abc", author="urn:li:person:782bbtaQ")
    with pytest.raises(NotSupported):
        LinkedInProvider().find_comment(member, PublishRequest(text="x", reply_to=POST))


# --- through the pipeline -----------------------------------------------------------------

@pytest.mark.django_db(transaction=True)  # platform calls run in a thread pool
def test_a_lost_first_comment_answer_is_found_on_facebook_not_posted_twice(org, member_of,
                                                                            rsps):
    account = make_account("facebook", PAGE_ID, "page-token", handle="acmegmbh",
                           organization=org)
    post = post_create(organization=org, actor=member_of("editor"), data=PostData(
        text="Herbstaktion!", account_ids=[account.pk],
        first_comments={account.pk: "Alle Infos: https://example.com/herbst"}))
    post_publish_now(post=post, actor=member_of("approver"))
    target = PostTarget.objects.get(post=post)
    rsps.add("POST", f"{G}/{PAGE_ID}/feed", json=load("page_post_created"))
    assert publishing_tick() == {target.pk: "published"}
    (comment,) = TargetPart.objects.filter(target=target)
    assert comment.kind == "comment" and comment.status == "waiting"
    # the comment reaches Facebook but the answer is lost on the way back
    rsps.add("POST", f"{G}/{FB_POST}/comments", body=requests.ConnectionError("reset"))
    assert parts_tick() == {comment.pk: "scheduled"}
    comment.refresh_from_db()
    assert comment.last_error_code == "uncertain"
    rsps.add("GET", f"{G}/{FB_POST}/comments", json=load("post_comments"))
    import datetime as dt

    from django.utils import timezone

    assert parts_tick(now=timezone.now() + dt.timedelta(hours=1)) == {comment.pk: "sent"}
    comment.refresh_from_db()
    assert comment.remote_id == "987654321098765_111000000000099"
    posts = [c for c in rsps.calls if c.request.method == "POST"
             and c.request.url.split("?")[0].endswith(f"{FB_POST}/comments")]
    assert len(posts) == 1  # reconciled by looking, not by commenting again
