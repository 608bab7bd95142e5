"""Journey (issue 4 §10): an editor composes a post with an image and alt text for two
accounts and submits it; an approver approves it from the review queue; it shows as
scheduled on the month calendar; the approver drags it to another day; the database
has the new date (same wall-clock time)."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.utils import timezone
from PIL import Image

from content.models import Post
from content.services.calendar import to_wall_clock
from tests.e2e.test_calendar import _drag
from tests.factories import DEFAULT_PASSWORD, ConnectedAccountFactory, MembershipFactory


def sign_in(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_editor_composes_with_image_for_two_accounts_approver_approves_from_queue(
        page, browser, live_server, sandbox, tmp_path):
    from tests.factories import OrganizationFactory

    org = OrganizationFactory(name="Acme", slug="acme", approval_required=True,
                              timezone="Europe/Berlin")
    editor = MembershipFactory(organization=org, role="editor").user
    approver = MembershipFactory(organization=org, role="approver").user
    cafe = ConnectedAccountFactory(organization=org, display_name="Acme Café")
    shop = ConnectedAccountFactory(organization=org, display_name="Acme Shop")
    picture = tmp_path / "tulips.png"
    Image.new("RGB", (800, 600), (220, 60, 90)).save(picture)

    # The editor writes one post for both accounts, with an image and its alt text.
    sign_in(page, editor)
    page.get_by_role("link", name="Compose").first.click()
    page.get_by_label(re.compile("Acme Café")).check()
    page.get_by_label(re.compile("Acme Shop")).check()
    page.get_by_label("Text for all accounts").fill("Spring is here 🌷 Grüße aus Köln!")
    assert page.locator("[data-counters] li").count() == 2  # a live counter per account
    page.get_by_role("button", name="Add media").click()
    page.locator("[data-upload-input]").set_input_files(str(picture))
    page.get_by_text("tulips.png ✓").wait_for()
    page.get_by_role("button", name="Done").click()
    page.get_by_label(re.compile("Alt text")).fill("A field of red tulips")
    when = timezone.localdate() + dt.timedelta(days=3)
    page.get_by_label("Date").fill(when.isoformat())
    page.get_by_label("Time").fill("10:30")
    page.locator("#problems").get_by_text("Ready for every chosen account").wait_for()
    page.get_by_role("button", name="Submit for approval").click()
    page.get_by_text("Submitted for approval.").wait_for()
    assert page.locator(".page-header .badge").first.inner_text() == "Pending approval"

    post = Post.objects.get()
    assert {t.account_id for t in post.targets.all()} == {cafe.pk, shop.pk}
    for target in post.targets.all():
        (attachment,) = target.attachments.all()
        assert attachment.alt_text == "A field of red tulips"

    # The approver approves it from the review queue.
    other = browser.new_context(base_url=live_server.url, locale="en-GB")
    reviewer = other.new_page()
    sign_in(reviewer, approver)
    reviewer.get_by_role("navigation", name="Main").get_by_role("link",
                                                                name=re.compile("Approvals")).click()
    card = reviewer.locator("li", has=reviewer.get_by_text("Spring is here"))
    card.get_by_role("button", name="Approve").click()
    reviewer.get_by_text("Approved.").wait_for()
    assert reviewer.get_by_text("Nothing to review").is_visible()

    post.refresh_from_db()
    assert post.status == "scheduled"
    local = timezone.localtime(post.scheduled_at, zoneinfo.ZoneInfo("Europe/Berlin"))
    assert (local.date(), local.hour, local.minute) == (when, 10, 30)
    assert set(post.targets.values_list("status", flat=True)) == {"scheduled"}

    page.reload()
    assert page.locator(".page-header .badge").first.inner_text() == "Scheduled"

    # The approver finds it on the month calendar, shown as scheduled, and drags it a day on.
    reviewer.get_by_role("navigation", name="Main").get_by_role("link",
                                                                name=re.compile("Calendar")).click()
    reviewer.locator("#calendar[data-ready]").wait_for()
    reviewer.evaluate(
        f"window.socialmgrCalendar.changeView('dayGridMonth', '{when.isoformat()}')")
    reviewer.locator("#calendar[aria-busy='false']").wait_for()  # events of that month loaded
    event = reviewer.locator(f"td.fc-daygrid-day[data-date='{when.isoformat()}'] .fc-event",
                             has_text="Spring is here")
    event.wait_for()
    assert "Scheduled" in event.inner_text() and "10:30" in event.inner_text()
    new_day = when + dt.timedelta(days=1)
    cell = reviewer.locator(f"td.fc-daygrid-day[data-date='{new_day.isoformat()}']")
    _drag(reviewer, event, cell)
    reviewer.locator("[data-cal-toast]").get_by_text("Moved to").wait_for()
    assert cell.locator(".fc-event", has_text="Spring is here").count() == 1
    other.close()

    post.refresh_from_db()
    moved = to_wall_clock(post.scheduled_at, "Europe/Berlin")
    assert post.status == "scheduled"
    assert (moved.date(), moved.hour, moved.minute) == (new_day, 10, 30)
    assert set(post.targets.values_list("next_attempt_at", flat=True)) == {post.scheduled_at}
