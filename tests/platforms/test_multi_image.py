"""Several images in one post, each with its alt text, on every network that takes them, and
within each network's limit (issue 15, item 6). Platform HTTP is faked at the HTTP layer with
the documented payloads; Bluesky runs against the reference PDS (test_bluesky_pds_flows).

Documented flows:
- Mastodon: one `POST /api/v2/media` per file with `description`, then `media_ids[]` on
  `POST /api/v1/statuses` (at most the server's `max_media_attachments`, 4 on mastodon.social).
- X: one `POST /2/media/upload` per image, `POST /2/media/metadata` with the alt text, then
  `media.media_ids` (at most 4) on `POST /2/tweets`.
- LinkedIn: `POST /rest/images?action=initializeUpload` and a PUT per image, then one post
  whose `content.multiImage.images` lists `{id, altText}` (2 to 20 images).
- Facebook: unpublished photos (`published=false`, `alt_text_custom`), then
  `attached_media[n]={"media_fbid": …}` on `POST /{page-id}/feed`.
- Instagram: a child container per image (`is_carousel_item=true`, `alt_text`), then a
  `media_type=CAROUSEL` container with the children (at most 10), then `media_publish`.
"""

from __future__ import annotations

import io
import itertools
import json

import pytest
import responses

from platforms.base import MediaFile, PublishRequest
from platforms.linkedin import LinkedInProvider
from platforms.mastodon import MastodonProvider
from platforms.meta.facebook import FacebookPageProvider
from platforms.meta.instagram import InstagramProvider
from platforms.x import XProvider
from tests.platforms import mastodon_fake, x_fake
from tests.platforms.conformance import png_bytes
from tests.platforms.meta_harness import IG_ID, PAGE_ID, make_account

pytestmark = pytest.mark.django_db
ALTS = ["Erstes Bild: ein Hafen", "Second: a lighthouse", "Drittes: Möwen", "Fourth: dusk"]


def images(n: int, content_type="image/png", public=False) -> list[MediaFile]:
    data = png_bytes(8, 6)
    return [MediaFile(filename=f"{i}.png", content_type=content_type, size=len(data),
                      alt_text=ALTS[i % len(ALTS)], width=8, height=6,
                      open=lambda: io.BytesIO(data),
                      public_url=f"https://cdn.example/{i}.jpg" if public else "")
            for i in range(n)]


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def _counting(template: dict, path: str, prefix: str):
    """A callback answering `template` with a new id at `path` for each call."""
    counter = itertools.count(1)

    def answer(request):
        body = json.loads(json.dumps(template))
        node = body
        *parents, leaf = path.split(".")
        for key in parents:
            node = node[key]
        node[leaf] = f"{prefix}{next(counter)}"
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    return answer


# --- Mastodon ---------------------------------------------------------------------------------

def test_mastodon_uploads_four_images_with_their_descriptions_in_order(rsps, settings):
    settings.SSRF_ALLOW_LOOPBACK = True  # the fake instance is on 127.0.0.1
    provider = MastodonProvider()
    mastodon_fake.add_instance(rsps)
    rsps.add_callback(responses.POST, f"{mastodon_fake.BASE}/api/v2/media",
                      callback=_counting(mastodon_fake.fixture("media_processed"), "id", "1135"))
    mastodon_fake.add_status_created(rsps)
    account = mastodon_fake.make_account()
    provider.publish(account, PublishRequest(text="Vier Bilder", media=images(4),
                                             idempotency_key="four"))
    uploads = [c for c in rsps.calls if c.request.url.endswith("/api/v2/media")]
    assert len(uploads) == 4
    for call, alt in zip(uploads, ALTS, strict=True):
        assert f'name="description"\r\n\r\n{alt}'.encode() in call.request.body
    status = next(c for c in rsps.calls if c.request.url.endswith("/api/v1/statuses"))
    assert mastodon_fake.sent_json(status)["media_ids"] == ["11351", "11352", "11353", "11354"]


def test_mastodon_refuses_a_fifth_image_naming_the_network(rsps, settings):
    settings.SSRF_ALLOW_LOOPBACK = True
    mastodon_fake.add_instance(rsps)
    problems = MastodonProvider().validate(mastodon_fake.make_account(), "x", images(5))
    assert [p.code for p in problems] == ["too_many_media"]
    assert problems[0].message == ("Mastodon takes at most 4 images or videos per post "
                                   "(5 attached).")


# --- X ----------------------------------------------------------------------------------------

def test_x_uploads_four_images_each_with_alt_text_and_attaches_them_in_order(rsps):
    rsps.add_callback(responses.POST, f"{x_fake.API}/2/media/upload",
                      callback=_counting(x_fake.fixture("media_upload"), "data.id", "18800"))
    rsps.add(responses.POST, f"{x_fake.API}/2/media/metadata",
             json=x_fake.fixture("media_metadata"))
    rsps.add(responses.POST, f"{x_fake.API}/2/tweets", status=201,
             json=x_fake.fixture("tweet_created"))
    XProvider().publish(x_fake.make_account(), PublishRequest(text="Four", media=images(4)))
    metadata = [x_fake.sent_json(c) for c in rsps.calls
                if c.request.url.endswith("/2/media/metadata")]
    assert [(m["id"], m["metadata"]["alt_text"]["text"]) for m in metadata] == [
        (f"18800{i}", alt) for i, alt in enumerate(ALTS, start=1)]
    tweet = x_fake.sent_json(next(c for c in rsps.calls if c.request.url.endswith("/2/tweets")))
    assert tweet["media"] == {"media_ids": ["188001", "188002", "188003", "188004"]}


def test_x_refuses_five_images_naming_the_network(db):
    problems = XProvider().validate(x_fake.make_account(), "x", images(5))
    assert any(p.message.startswith("X takes at most 4 images or videos") for p in problems)


# --- LinkedIn ---------------------------------------------------------------------------------

LI_REST = "https://api.linkedin.com/rest"
LI_ORG = "urn:li:organization:2414183"


@pytest.fixture
def linkedin_account(settings):
    from platforms.base import Tokens
    from tests.factories import ConnectedAccountFactory

    settings.LINKEDIN_CLIENT_ID = "86abcdef0123xy"
    settings.LINKEDIN_CLIENT_SECRET = "linkedin-secret"
    settings.LINKEDIN_API_VERSION = "202510"
    account = ConnectedAccountFactory(provider="linkedin", external_id=LI_ORG, handle="acme-gmbh",
                                      settings={"author_urn": LI_ORG})
    account.set_tokens(Tokens(access_token="li-token-abc"))
    account.save()
    return account


def test_linkedin_several_images_become_one_multi_image_post(rsps, linkedin_account):
    counter = itertools.count(1)

    def initialize(request):
        n = next(counter)
        return 200, {"Content-Type": "application/json"}, json.dumps({"value": {
            "uploadUrlExpiresAt": 1650567510704,
            "uploadUrl": f"https://www.linkedin.com/dms-uploads/IMG{n}/uploaded-image/0?ca=x",
            "image": f"urn:li:image:IMG{n}"}})

    rsps.add_callback(responses.POST, f"{LI_REST}/images", callback=initialize)
    for n in (1, 2, 3):
        rsps.add(responses.PUT, f"https://www.linkedin.com/dms-uploads/IMG{n}/uploaded-image/0",
                 status=201)
    rsps.add(responses.POST, f"{LI_REST}/posts", status=201, body="",
             headers={"x-restli-id": "urn:li:share:7100000000000000009"})
    LinkedInProvider().publish(linkedin_account, PublishRequest(text="Drei", media=images(3)))
    puts = [c for c in rsps.calls if c.request.method == "PUT"]
    assert len(puts) == 3 and all(c.request.body.startswith(b"\x89PNG") for c in puts)
    post = json.loads(next(c for c in rsps.calls if c.request.url.endswith("/posts"))
                      .request.body)
    assert post["content"] == {"multiImage": {"images": [
        {"id": "urn:li:image:IMG1", "altText": ALTS[0]},
        {"id": "urn:li:image:IMG2", "altText": ALTS[1]},
        {"id": "urn:li:image:IMG3", "altText": ALTS[2]}]}}


def test_linkedin_takes_up_to_twenty_images(linkedin_account):
    provider = LinkedInProvider()
    assert provider.validate(linkedin_account, "x", images(20)) == []
    problems = provider.validate(linkedin_account, "x", images(21))
    assert [p.message for p in problems] == [
        "LinkedIn takes at most 20 images or videos per post (21 attached)."]


# --- Facebook and Instagram -----------------------------------------------------------------

def test_facebook_and_instagram_take_up_to_ten_images(db):
    facebook = make_account("facebook", PAGE_ID, "page-token-xyz", handle="acmegmbh")
    instagram = make_account("instagram", IG_ID, "page-token-ig", handle="acme.gmbh",
                             settings={"username": "acme.gmbh"})
    jpegs = images(11, content_type="image/jpeg", public=True)
    assert FacebookPageProvider().validate(facebook, "x", jpegs[:10]) == []
    assert InstagramProvider().validate(instagram, "x", jpegs[:10]) == []
    assert [p.message for p in FacebookPageProvider().validate(facebook, "x", jpegs)] == [
        "Facebook takes at most 10 images or videos per post (11 attached)."]
    assert "Instagram takes at most 10 images or videos per post (11 attached)." in [
        p.message for p in InstagramProvider().validate(instagram, "x", jpegs)]
