"""Editing a published post on its platform (Mastodon `PUT /api/v1/statuses/:id`, faked at the
HTTP layer from the documented payload) with its history; elsewhere "delete and post again"."""

from __future__ import annotations

import io
import json

import pytest
import responses
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import AuditEntry
from accounts.services.errors import ServiceError
from content.models import Post, PostTarget, TargetDeletion, TargetEdit
from content.services.edits import target_edit
from content.services.media import media_upload
from content.services.posts import PostData, post_create
from tests.platforms import mastodon_fake as fake

pytestmark = pytest.mark.django_db

STATUS = "113543386754987654"


@pytest.fixture(autouse=True)
def _mastodon_settings(settings):
    settings.SSRF_ALLOW_LOOPBACK = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "edit-tests"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.add_instance(mock)
        yield mock


def png():
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buf, format="PNG")
    return SimpleUploadedFile("sale.png", buf.getvalue(), content_type="image/png")


def published(org, author, account, text="Our autumn sale starts today!", media=()):
    post = post_create(organization=org, actor=author, data=PostData(
        text=text, account_ids=[account.pk], media=list(media)))
    PostTarget.objects.filter(post=post).update(status="published", remote_id=STATUS,
                                                remote_url=f"https://social.example/@acme/{STATUS}")
    return PostTarget.objects.select_related("account", "post").get(post=post)


def test_a_mastodon_edit_changes_text_media_and_alt_text_and_is_kept_in_history(
        org, member_of, rsps):
    approver = member_of("approver")
    account = fake.make_account(organization=org)
    asset = media_upload(organization=org, actor=approver, upload=png())
    target = published(org, approver, account, media=[(asset.pk, "A red square")])
    attachment = target.attachments.get()
    rsps.add(responses.POST, f"{fake.BASE}/api/v2/media", json=fake.fixture("media_processed"))
    rsps.add(responses.PUT, f"{fake.BASE}/api/v1/statuses/{STATUS}",
             json=fake.fixture("status_edited"))
    edit = target_edit(target=target, actor=approver,
                       text="Our autumn sale starts today, now with free delivery!",
                       alt_texts={attachment.pk: "A red square, the sale's logo"})
    assert edit.status == "edited" and edit.finished_at is not None
    assert edit.text_before == "Our autumn sale starts today!"
    assert edit.text_after == "Our autumn sale starts today, now with free delivery!"
    upload = next(c for c in rsps.calls if c.request.url.endswith("/api/v2/media"))
    assert b"A red square, the sale's logo" in upload.request.body  # the alt text
    put = next(c for c in rsps.calls if c.request.method == "PUT")
    assert json.loads(put.request.body) == {
        "status": "Our autumn sale starts today, now with free delivery!",
        "media_ids": [fake.fixture("media_processed")["id"]]}
    target.refresh_from_db()
    assert target.effective_text == "Our autumn sale starts today, now with free delivery!"
    assert target.attachments.get().alt_text == "A red square, the sale's logo"
    assert AuditEntry.objects.filter(verb="content.target.edited").count() == 1


def test_a_refused_edit_is_recorded_and_changes_nothing_here(org, member_of, rsps):
    approver = member_of("approver")
    target = published(org, approver, fake.make_account(organization=org))
    rsps.add(responses.PUT, f"{fake.BASE}/api/v1/statuses/{STATUS}", status=422,
             json=fake.fixture("error_validation_too_long"))
    edit = target_edit(target=target, actor=approver, text="Shorter now")
    assert edit.status == "failed" and "refused" in edit.last_error
    target.refresh_from_db()
    assert target.effective_text == "Our autumn sale starts today!"
    assert TargetEdit.objects.count() == 1


def test_an_edit_with_a_dead_token_marks_the_account_for_reconnecting(org, member_of, rsps):
    approver = member_of("approver")
    account = fake.make_account(organization=org)
    target = published(org, approver, account)
    fake.add_invalid_bearer_token(rsps, responses.PUT, f"/api/v1/statuses/{STATUS}")
    edit = target_edit(target=target, actor=approver, text="Shorter now")
    assert edit.status == "failed" and "Invalid Bearer token" in edit.last_error
    account.refresh_from_db()
    assert account.status == "needs_reconnect"
    assert AuditEntry.objects.filter(verb="accounts.account.needs_reconnect").count() == 1


def test_an_edit_needs_the_publish_permission_and_one_post(org, member_of, rsps):
    target = published(org, member_of("approver"), fake.make_account(organization=org))
    with pytest.raises(ServiceError):
        target_edit(target=target, actor=member_of("editor"), text="Nope")
    with pytest.raises(ServiceError, match="three"):
        target_edit(target=target, actor=member_of("approver"), text="One\n---\nTwo")
    assert not TargetEdit.objects.exists()


def test_where_the_platform_cannot_edit_the_page_offers_delete_and_post_again(
        org, member_of, login, connect_sandbox_account, django_capture_on_commit_callbacks):
    approver = member_of("approver")
    sandbox_account = connect_sandbox_account(org, "brand_edit")
    target = published(org, approver, sandbox_account, text="Tippfehler im Text")
    with pytest.raises(ServiceError, match="does not let apps edit"):
        target_edit(target=target, actor=approver, text="Ohne Tippfehler")
    client = login(approver)
    page = client.get(reverse("post_detail", kwargs={"org_slug": org.slug,
                                                     "pk": target.post_id}))
    assert "Delete and post again" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("target_repost", kwargs={
            "org_slug": org.slug, "pk": target.post_id, "target_pk": target.pk}))
    copy = Post.objects.exclude(pk=target.post_id).get()
    assert response.status_code == 302 and response["Location"].endswith(f"/posts/{copy.pk}/edit/")
    assert copy.status == "draft" and copy.text == "Tippfehler im Text"
    assert [t.account_id for t in copy.targets.all()] == [sandbox_account.pk]
    assert TargetDeletion.objects.get(target=target).status in ("deleted", "queued", "deleting")


def test_the_edit_form_is_shown_for_mastodon_and_posts_the_edit(org, member_of, login, rsps):
    approver = member_of("approver")
    target = published(org, approver, fake.make_account(organization=org))
    client = login(approver)
    url = reverse("post_detail", kwargs={"org_slug": org.slug, "pk": target.post_id})
    assert "Change on the platform" in client.get(url).content.decode()
    rsps.add(responses.PUT, f"{fake.BASE}/api/v1/statuses/{STATUS}",
             json=fake.fixture("status_edited"))
    response = client.post(reverse("target_edit", kwargs={
        "org_slug": org.slug, "pk": target.post_id, "target_pk": target.pk}),
        {"text": "Our autumn sale starts today, now with free delivery!"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "1 edit on the platform" in page and "now with free delivery" in page
