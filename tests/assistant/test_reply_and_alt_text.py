"""Reply suggestions that draw on saved replies, and alt text for images (vision format)."""

import base64
import io
import json

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from assistant.models import AssistantSettings
from content.models import MediaAsset
from inbox.models import InboxReply, SavedReply
from tests.assistant.test_views import _events
from tests.factories import ConnectedAccountFactory
from tests.inbox.factories import InboxItemFactory


@pytest.fixture
def on(org, fake_llm):
    server, base = fake_llm
    return server, AssistantSettings.objects.create(
        organization=org, enabled=True, base_url=base, model="llava", monthly_limit=100)


@pytest.fixture
def item(org):
    account = ConnectedAccountFactory(organization=org, provider="bluesky", handle="@acme.bsky")
    return InboxItemFactory(organization=org, account=account, author_name="Jana Krüger",
                            text="When does the shop open on Sunday?")


@pytest.mark.django_db
def test_a_reply_suggestion_uses_the_saved_replies_and_sends_nothing(
        client, org, member_of, item, on):
    server, _settings = on
    SavedReply.objects.create(organization=org, title="Opening hours",
                              text="We are open Mon–Sat 8–18, Sundays 10–16.")
    server.answer = "Hi Jana, on Sundays we are open from 10 to 16. See you!"
    client.force_login(member_of("editor"))
    page = client.get(f"/o/{org.slug}/inbox/{item.pk}/").content.decode()
    assert "data-assistant-reply-panel" in page
    name, done = _events(client.post(f"/o/{org.slug}/assistant/reply/{item.pk}/"))[-1]
    assert name == "done"
    assert done["text"] == "Hi Jana, on Sundays we are open from 10 to 16. See you!"
    assert done["checks"][0]["network"] == "Bluesky" and done["checks"][0]["fits"]
    system, user = server.requests[0]["body"]["messages"]
    assert "@acme.bsky" in system["content"]
    assert "[Opening hours]\nWe are open Mon–Sat 8–18, Sundays 10–16." in system["content"]
    assert user["content"].endswith("Message from Jana Krüger:\nWhen does the shop open on Sunday?")
    assert not InboxReply.objects.exists()  # a suggestion, never a reply


@pytest.mark.django_db
def test_reply_suggestions_are_tenant_and_role_checked(
        client, org, other_org, member_of, item, on):
    server, _settings = on
    foreign = InboxItemFactory(organization=other_org,
                               account=ConnectedAccountFactory(organization=other_org))
    client.force_login(member_of("editor"))
    assert client.post(f"/o/{org.slug}/assistant/reply/{foreign.pk}/").status_code == 404
    client.force_login(member_of("viewer"))
    assert client.post(f"/o/{org.slug}/assistant/reply/{item.pk}/").status_code == 403
    assert server.requests == []


def _image(org, kind="image", content_type="image/png"):
    buf = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(buf, format="PNG")
    asset = MediaAsset(organization=org, kind=kind, content_type=content_type,
                       original_name="cup.png", size=len(buf.getvalue()))
    asset.file.save("cup.png", ContentFile(buf.getvalue()), save=True)
    return asset, buf.getvalue()


@pytest.mark.django_db
def test_alt_text_sends_the_image_as_a_data_url_when_the_model_accepts_images(
        client, org, member_of, on):
    server, current = on
    asset, raw = _image(org)
    client.force_login(member_of("editor"))
    refused = client.post(f"/o/{org.slug}/assistant/alt-text/{asset.pk}/")
    assert refused.status_code == 409 and "does not accept images" in refused.json()["error"]
    assert server.requests == []
    current.accepts_images = True
    current.save()
    server.answer = "A red coffee cup on a wooden table."
    _name, done = _events(client.post(f"/o/{org.slug}/assistant/alt-text/{asset.pk}/"))[-1]
    assert done["text"] == "A red coffee cup on a wooden table."
    user = server.requests[0]["body"]["messages"][1]
    assert user["content"][0]["type"] == "text"
    assert user["content"][1] == {"type": "image_url", "image_url": {
        "url": "data:image/png;base64," + base64.b64encode(raw).decode()}}
    ConnectedAccountFactory(organization=org, provider="x")
    compose = client.get(f"/o/{org.slug}/compose/").content.decode()
    assert "data-alt-url" in compose  # the composer offers "Suggest alt text" for images


@pytest.mark.django_db
def test_alt_text_only_for_this_organisations_images(client, org, other_org, member_of, on):
    server, current = on
    current.accepts_images = True
    current.save()
    foreign, _raw = _image(other_org)
    video, _raw = _image(org, kind="video", content_type="video/mp4")
    client.force_login(member_of("editor"))
    assert client.post(f"/o/{org.slug}/assistant/alt-text/{foreign.pk}/").status_code == 404
    response = client.post(f"/o/{org.slug}/assistant/alt-text/{video.pk}/")
    assert response.status_code == 400 and "only be suggested for images" in json.loads(
        response.content)["error"]
    assert server.requests == []


@pytest.mark.django_db
def test_the_media_edit_page_offers_alt_text_when_the_model_accepts_images(
        client, org, other_org, member_of, on):
    server, current = on
    asset, _raw = _image(org)
    video, _raw = _image(org, kind="video", content_type="video/mp4")
    client.force_login(member_of("editor"))
    page = f"/o/{org.slug}/media/{asset.pk}/"
    assert "data-assistant-media-alt" not in client.get(page).content.decode()  # no images
    current.accepts_images = True
    current.save()
    html = client.get(page).content.decode()
    url = f"/o/{org.slug}/assistant/alt-text/{asset.pk}/"
    assert "data-assistant-media-alt" in html and f'data-url="{url}"' in html
    assert 'data-target="id_alt_text"' in html and 'id="id_alt_text"' in html
    assert "Suggest alt text" in html and "127.0.0.1" in html  # says where the image goes
    assert "data-assistant-media-alt" not in client.get(
        f"/o/{org.slug}/media/{video.pk}/").content.decode()
    # The page's button calls the composer's endpoint; the suggestion changes nothing.
    server.answer = "A red coffee cup."
    assert _events(client.post(url))[-1][1]["text"] == "A red coffee cup."
    asset.refresh_from_db()
    assert asset.alt_text == ""
    # Off: no button. Another organisation's file: 404 on the page and the endpoint.
    current.enabled = False
    current.save()
    assert "data-assistant-media-alt" not in client.get(page).content.decode()
    current.enabled = True
    current.save()
    foreign, _raw = _image(other_org)
    assert client.get(f"/o/{org.slug}/media/{foreign.pk}/").status_code == 404
    assert client.post(f"/o/{org.slug}/assistant/alt-text/{foreign.pk}/").status_code == 404
    client.force_login(member_of("viewer"))
    assert client.get(page).status_code == 403
    assert client.post(url).status_code == 403
    assert len(server.requests) == 1
