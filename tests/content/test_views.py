import datetime as dt
import io
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from content.models import MediaAsset, Post
from content.services.media import media_upload
from content.services.workflow import post_submit

pytestmark = pytest.mark.django_db


def png_upload(name="pic.png", size=(64, 48)):
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def url(name, **kw):
    return reverse(name, kwargs={"org_slug": "acme", **kw})


def test_compose_page_lists_accounts_and_prefills_from_calendar_day(login, member_of, accounts):
    client = login(member_of("editor"))
    response = client.get(url("compose") + "?date=2030-03-04&time=09:30")
    assert response.status_code == 200
    html = response.content.decode()
    assert accounts[0].handle in html and accounts[1].handle in html
    assert 'value="2030-03-04"' in html and 'value="09:30' in html


def test_plain_post_saves_a_draft_without_javascript(login, member_of, accounts, org):
    client = login(member_of("editor"))
    asset = media_upload(organization=org, actor=member_of("editor"), upload=png_upload())
    response = client.post(url("compose"), {
        "text": "Grüße aus Köln 🇩🇪", "accounts": [accounts[0].pk, accounts[1].pk],
        f"override_{accounts[1].pk}": "Short one", "media": [asset.pk],
        f"alt_{asset.pk}": "A red square", "action": "draft", "version": "0"})
    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("post_detail", pk=post.pk)
    assert post.status == "draft" and post.text == "Grüße aus Köln 🇩🇪"
    texts = {t.account_id: t.effective_text for t in post.targets.all()}
    assert texts[accounts[1].pk] == "Short one"
    first = post.targets.get(account=accounts[0])
    attached = [(m.asset_id, m.alt_text) for m in first.attachments.all()]
    assert attached == [(asset.pk, "A red square")]
    page = client.get(url("post_detail", pk=post.pk))
    assert page.status_code == 200 and "Short one" in page.content.decode()


@pytest.mark.parametrize("payload, message", [
    ({"text": "hi", "action": "draft"}, "This field is required"),  # no account
    ({"text": "", "action": "draft", "with_account": True}, "The post is empty"),
    ({"text": "hi", "action": "schedule", "with_account": True, "date": "2020-01-01",
      "time": "10:00"}, "Choose a time in the future"),
])
def test_bad_compose_input_rerenders_with_a_message_and_saves_nothing(
        login, member_of, accounts, payload, message):
    client = login(member_of("approver"))
    data = {"version": "0", **payload}
    if data.pop("with_account", False):
        data["accounts"] = [accounts[0].pk]
    response = client.post(url("compose"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Post.objects.exists()


def test_text_over_the_platform_limit_cannot_be_submitted(login, member_of, accounts, org):
    org.approval_required = True
    org.save()
    client = login(member_of("editor"))
    response = client.post(url("compose"), {
        "text": "x" * 600, "accounts": [accounts[0].pk], "action": "submit", "version": "0"})
    assert response.status_code == 400
    assert accounts[0].handle in response.content.decode()
    assert not Post.objects.exists()  # nothing half-saved


def test_validate_endpoint_returns_provider_problems(login, member_of, accounts):
    client = login(member_of("editor"))
    response = client.post(url("compose_validate"), {"text": "é" * 501,
                                                     "accounts": [accounts[0].pk]})
    assert response.status_code == 200
    assert 'data-problem-count="1"' in response.content.decode()
    ok = client.post(url("compose_validate"), {"text": "fine", "accounts": [accounts[0].pk]})
    assert 'data-problem-count="0"' in ok.content.decode()


def test_editor_without_approval_required_schedules_from_the_composer(login, member_of,
                                                                      accounts):
    client = login(member_of("editor"))
    when = timezone.localtime(timezone.now() + dt.timedelta(days=3),
                              timezone.get_fixed_timezone(60))
    response = client.post(url("compose"), {
        "text": "Planned", "accounts": [accounts[0].pk], "action": "schedule", "version": "0",
        "date": when.date().isoformat(), "time": "10:15"})
    assert response.status_code == 302, response.content.decode()[:2000]
    post = Post.objects.get()
    assert post.status == "scheduled"
    local = timezone.localtime(post.scheduled_at, zoneinfo.ZoneInfo("Europe/Berlin"))
    assert (local.hour, local.minute) == (10, 15)  # org time zone, stored in UTC
    assert post.targets.get().next_attempt_at == post.scheduled_at


def test_nonexistent_local_time_on_dst_change_is_refused(login, member_of, accounts):
    client = login(member_of("editor"))
    response = client.post(url("compose"), {
        "text": "DST", "accounts": [accounts[0].pk], "action": "schedule", "version": "0",
        "date": "2031-03-30", "time": "02:30"})  # Berlin springs from 02:00 to 03:00
    assert response.status_code == 400
    assert "does not exist" in response.content.decode()


def test_review_queue_approve_and_request_changes(login, member_of, make_post, org, future):
    org.approval_required = True
    org.save()
    editor, approver = member_of("editor"), member_of("approver")
    post = make_post(author=editor, scheduled_at=future)
    post_submit(post=post, actor=editor)
    client = login(approver)
    queue = client.get(url("approvals"))
    assert queue.status_code == 200 and str(post.text) in queue.content.decode()
    client.post(url("post_approve", pk=post.pk), {"comment": "Looks good"})
    post.refresh_from_db()
    assert post.status == "scheduled"


def test_request_changes_without_comment_is_refused(login, member_of, make_post):
    editor = member_of("editor")
    post = make_post(author=editor)
    post_submit(post=post, actor=editor)
    client = login(member_of("approver"))
    response = client.post(url("post_request_changes", pk=post.pk), {"comment": " "},
                           follow=True)
    assert "a comment is required" in response.content.decode()
    post.refresh_from_db()
    assert post.status == "pending_approval"


def test_media_library_upload_and_search(login, member_of):
    client = login(member_of("editor"))
    response = client.post(url("media_upload"), {"file": png_upload("beach.png"),
                                                  "alt_text": "Sunny beach",
                                                  "tags": "summer, beach"})
    assert response.status_code == 302
    asset = MediaAsset.objects.get()
    assert asset.renditions.filter(purpose="thumb").exists()
    found = client.get(url("media_library") + "?q=summer")
    assert "beach.png" in found.content.decode()
    none = client.get(url("media_library") + "?q=winter")
    assert "beach.png" not in none.content.decode()


def test_broken_upload_rerenders_with_message(login, member_of):
    client = login(member_of("editor"))
    bad = SimpleUploadedFile("evil.png", b"<?php echo 1; ?>", content_type="image/png")
    response = client.post(url("media_upload"), {"file": bad})
    assert response.status_code == 400
    assert "not an image we can read" in response.content.decode()
    assert not MediaAsset.objects.exists()


def test_another_orgs_post_is_404(login, member_of, make_post, outsider):
    post = make_post()
    client = login(outsider)
    assert client.get(reverse("post_detail", kwargs={"org_slug": "globex",
                                                     "pk": post.pk})).status_code == 404
    assert client.get(url("post_detail", pk=post.pk)).status_code == 404


def test_notifications_show_and_mark_read(login, member_of, make_post, org):
    editor, approver = member_of("editor"), member_of("approver")
    post = make_post(author=editor)
    post_submit(post=post, actor=editor)
    client = login(approver)
    page = client.get(url("notifications"))
    assert "submitted" in page.content.decode()
    assert 'data-testid="notification-count"' in page.content.decode()
    client.post(url("notifications_read"))
    after = client.get(url("notifications")).content.decode()
    assert 'data-testid="notification-count"' not in after
