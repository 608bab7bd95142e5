"""Journey (issue 15, item 6): five images in the composer for a Mastodon-like and an
Instagram-like account. Each network's count shows live under the media; the one limited to
four says so with its name, the post cannot be scheduled, and removing one image clears it.
Each image keeps its own alt text, and the order the files were chosen in."""

import re

import pytest
from PIL import Image

from content.models import Post
from tests.e2e.test_compose_approve import sign_in
from tests.factories import ConnectedAccountFactory, MembershipFactory


@pytest.mark.django_db(transaction=True)
def test_five_images_within_each_networks_limit(page, live_server, sandbox, tmp_path):
    from tests.factories import OrganizationFactory

    org = OrganizationFactory(name="Acme", slug="acme", timezone="Europe/Berlin")
    editor = MembershipFactory(organization=org, role="editor").user
    toot = ConnectedAccountFactory(organization=org, display_name="Acme Toots",
                                   settings={"shape": {"key": "mastodon",
                                                       "max_media_attachments": 4}})
    gram = ConnectedAccountFactory(organization=org, display_name="Acme Gram",
                                   settings={"shape": {"key": "instagram",
                                                       "max_media_attachments": 10}})
    files = []
    for n in range(5):
        path = tmp_path / f"pic{n}.png"
        Image.new("RGB", (600, 400), (40 * n, 90, 160)).save(path)
        files.append(str(path))

    sign_in(page, editor)
    page.goto("/o/acme/compose/")
    page.get_by_label(re.compile("Acme Toots")).check()
    page.get_by_label(re.compile("Acme Gram")).check()
    page.get_by_label("Text for all accounts").fill("Five pictures from the roastery")
    page.get_by_role("button", name="Add media").click()
    page.locator("[data-upload-input]").set_input_files(files)
    page.locator("[data-chosen-media] li").nth(4).wait_for()
    page.get_by_text("pic4.png ✓").wait_for()
    page.get_by_role("button", name="Done").click()
    limits = page.locator("[data-media-limits] li")
    assert limits.count() == 2
    toot_limit = page.locator("[data-media-limits] li", has_text=toot.handle)
    assert re.search(r"5 of 4 images or videos", toot_limit.inner_text())
    assert "counter-over" in toot_limit.get_attribute("class")
    assert "5 of 10" in page.locator("[data-media-limits] li", has_text=gram.handle).inner_text()
    page.locator("#problems").get_by_text(
        re.compile(r"takes at most 4 images or videos per post \(5 attached\)")).wait_for()
    for n, area in enumerate(page.locator("[data-chosen-media] textarea").all()):
        area.fill(f"Picture {n}: a cup of coffee")

    page.locator("[data-chosen-media] li").last.get_by_role("button", name="Remove").click()
    assert "4 of 4" in toot_limit.inner_text()
    assert "counter-over" not in toot_limit.get_attribute("class")
    page.locator("#problems").get_by_text("Ready for every chosen account").wait_for()
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Saved.").wait_for()
    post = Post.objects.get()
    for target in post.targets.all():
        attachments = list(target.attachments.select_related("asset"))
        assert [m.alt_text for m in attachments] == [
            f"Picture {n}: a cup of coffee" for n in range(4)]
        # uploaded one after another: the order they were chosen in
        assert [m.asset.original_name for m in attachments] == [f"pic{n}.png" for n in range(4)]
