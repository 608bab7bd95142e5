"""Journey: an admin turns the writing assistant on; an editor asks for variants per network
in the composer, watches the text arrive, and takes one into the account's own version."""

import re

import pytest

from assistant.models import AssistantSettings
from tests.assistant import fake_openai
from tests.e2e.test_compose_approve import sign_in
from tests.factories import ConnectedAccountFactory, MembershipFactory, OrganizationFactory


@pytest.fixture
def llm(settings):
    settings.SSRF_ALLOW_LOOPBACK = True  # the model server of this test runs on loopback
    httpd, base_url = fake_openai.start()
    yield fake_openai.FakeOpenAI, base_url
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.django_db(transaction=True)
def test_variants_stream_in_and_one_is_taken_into_the_draft(page, live_server, llm):
    server, base_url = llm
    org = OrganizationFactory(name="Acme", slug="acme")
    admin = MembershipFactory(organization=org, role="admin").user
    editor = MembershipFactory(organization=org, role="editor").user
    ConnectedAccountFactory(organization=org, provider="x", handle="@acme_x",
                            display_name="Acme on X")
    words = "Our autumn blend is here: dark chocolate and cherry. Taste it today!"
    server.pieces = [w + " " for w in words.split(" ")]
    server.answer = words

    sign_in(page, admin)
    page.goto("/o/acme/settings/assistant/")
    assert "nothing is sent anywhere" in page.locator("#what-is-sent").inner_text()
    page.get_by_label("Endpoint address").fill(base_url)
    page.get_by_label("Model", exact=True).fill("llama3.1")
    page.get_by_label("Turn the writing assistant on").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Writing assistant settings saved.").wait_for()
    assert AssistantSettings.objects.get(organization=org).enabled
    assert server.requests == []  # saving sends nothing
    page.context.clear_cookies()

    sign_in(page, editor)
    page.goto("/o/acme/compose/")
    page.get_by_label(re.compile("Acme on X")).check()
    page.get_by_label("Text for all accounts").fill("autumn blend out now")
    server.pause = 0.15  # the first words are on the page before the answer is complete
    page.get_by_role("button", name="Variants per network").click()
    page.wait_for_function(
        "() => { const s = document.querySelector('[data-assistant-stream]');"
        " return s && s.textContent.startsWith('Our autumn')"
        " && !document.querySelector('[data-assistant-result]'); }")
    result = page.locator("[data-assistant-result]")
    result.wait_for()
    assert result.input_value() == words
    assert "of 280 characters on X: fits." in page.locator(".assistant-checks").inner_text()
    assert page.locator("[data-override]").first.input_value() == ""  # nothing applied yet
    result.fill(words + " #coffee")  # the person edits before using it
    page.get_by_role("button", name="Use this").click()
    assert page.locator("[data-override]").first.input_value() == words + " #coffee"
    assert page.get_by_label("Text for all accounts").input_value() == "autumn blend out now"
    page.get_by_role("status").filter(has_text="Taken into the own version for @acme_x").wait_for()
    sent = server.requests[0]["body"]
    assert sent["stream"] is True and sent["messages"][1]["content"] == "autumn blend out now"


@pytest.mark.django_db(transaction=True)
def test_a_suggested_reply_goes_into_the_reply_box_and_is_not_sent(page, live_server, llm):
    from inbox.models import InboxReply, SavedReply
    from tests.inbox.factories import InboxItemFactory

    server, base_url = llm
    org = OrganizationFactory(name="Acme", slug="acme")
    editor = MembershipFactory(organization=org, role="editor").user
    account = ConnectedAccountFactory(organization=org, provider="bluesky", handle="@acme.bsky")
    AssistantSettings.objects.create(organization=org, enabled=True, base_url=base_url,
                                     model="llama3.1")
    SavedReply.objects.create(organization=org, title="Opening hours",
                              text="We are open Mon–Sat 8–18, Sundays 10–16.")
    item = InboxItemFactory(organization=org, account=account, author_name="Jana",
                            text="When do you open on Sunday?")
    server.answer = "Hi Jana, on Sundays we open at 10. See you!"
    sign_in(page, editor)
    page.goto("/o/acme/inbox/")
    page.locator("[data-row-link]").first.click()  # the conversation arrives by htmx
    page.get_by_role("button", name="Suggest a reply").click()
    page.locator("[data-assistant-result]").wait_for()
    page.get_by_role("button", name="Use this").click()
    reply_box = page.locator("[data-reply-form] textarea[name=text]")
    assert reply_box.input_value() == "Hi Jana, on Sundays we open at 10. See you!"
    assert "[Opening hours]" in server.requests[0]["body"]["messages"][0]["content"]
    assert not InboxReply.objects.filter(item=item).exists()


@pytest.mark.django_db(transaction=True)
def test_alt_text_is_suggested_on_the_media_page_and_used_only_when_saved(
        page, live_server, llm):
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    from content.models import MediaAsset

    server, base_url = llm
    org = OrganizationFactory(name="Acme", slug="acme")
    editor = MembershipFactory(organization=org, role="editor").user
    AssistantSettings.objects.create(organization=org, enabled=True, base_url=base_url,
                                     model="llava", accepts_images=True, monthly_limit=100)
    buf = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(buf, format="PNG")
    asset = MediaAsset(organization=org, kind="image", content_type="image/png",
                       original_name="cup.png", size=len(buf.getvalue()))
    asset.file.save("cup.png", ContentFile(buf.getvalue()), save=True)
    server.answer = "A red coffee cup on a wooden table."

    sign_in(page, editor)
    page.goto(f"/o/acme/media/{asset.pk}/")
    page.get_by_role("button", name="Suggest alt text").click()
    page.get_by_role("button", name="Use this").click()
    assert page.get_by_label("Alt text").input_value() == "A red coffee cup on a wooden table."
    page.get_by_text("Taken into the alt text.").wait_for()
    asset.refresh_from_db()
    assert asset.alt_text == ""  # nothing changes until the person saves
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved.").wait_for()
    asset.refresh_from_db()
    assert asset.alt_text == "A red coffee cup on a wooden table."
