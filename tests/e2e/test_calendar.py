"""Browser journey: a scheduled post shows on the month calendar → drag it to the next day →
it is rescheduled (same wall-clock time) → Undo puts it back."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.roles import Role
from content.models import Post
from content.services.calendar import resolve_local, to_wall_clock
from content.services.posts import PostData, post_create
from content.services.workflow import post_schedule
from tests.factories import ConnectedAccountFactory, MembershipFactory, OrganizationFactory

BERLIN = "Europe/Berlin"


def _drag(page, source, target):
    # FullCalendar re-renders its events (a refetch, a resize): the located event can be
    # detached for a moment, when bounding_box() answers None. Wait until both are laid out.
    box = dest = None
    for _ in range(50):
        box, dest = source.bounding_box(), target.bounding_box()
        if box and dest:
            break
        page.wait_for_timeout(100)
    assert box and dest, "the event or the target day is not on the page"
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 5, box["y"] + box["height"] / 2 + 5, steps=3)
    page.mouse.move(dest["x"] + dest["width"] / 2, dest["y"] + dest["height"] / 2, steps=12)
    page.mouse.up()


@pytest.mark.django_db(transaction=True)
def test_drag_a_scheduled_post_to_another_day_and_undo(signed_in_page, sandbox):
    org = OrganizationFactory(slug="acme", name="Acme", timezone=BERLIN)
    approver = MembershipFactory(organization=org, role=Role.APPROVER).user
    accounts = [ConnectedAccountFactory(organization=org) for _ in range(2)]
    day = to_wall_clock(timezone.now(), BERLIN).date() + dt.timedelta(days=2)
    when = resolve_local(dt.datetime.combine(day, dt.time(10, 30)), BERLIN).at
    post = post_create(organization=org, actor=approver, data=PostData(
        text="Spring is here 🌷", account_ids=[a.pk for a in accounts]))
    post_schedule(post=post, actor=approver, scheduled_at=when)

    page = signed_in_page(approver)
    page.goto("/o/acme/calendar/")
    page.locator("#calendar[data-ready]").wait_for()
    page.evaluate(f"window.socialmgrCalendar.changeView('dayGridMonth', '{day.isoformat()}')")
    page.locator("#calendar[aria-busy='false']").wait_for()  # that month's events loaded
    event = page.locator(".fc-event", has_text="Spring is here")
    event.wait_for()
    assert "Scheduled" in event.inner_text()
    assert "10:30" in event.inner_text()

    target_day = day + dt.timedelta(days=1)
    cell = page.locator(f"td.fc-daygrid-day[data-date='{target_day.isoformat()}']")
    _drag(page, event, cell)
    toast = page.locator("[data-cal-toast]")
    toast.get_by_text("Moved to").wait_for()

    post.refresh_from_db()
    moved = to_wall_clock(post.scheduled_at, BERLIN)
    assert (moved.date(), moved.time()) == (target_day, dt.time(10, 30))  # time of day kept
    assert set(post.targets.values_list("next_attempt_at", flat=True)) == {post.scheduled_at}
    assert cell.locator(".fc-event", has_text="Spring is here").count() == 1

    toast.get_by_role("button", name="Undo").click()
    toast.get_by_text("Move undone.").wait_for()
    post = Post.objects.get(pk=post.pk)
    assert post.scheduled_at == when
    day_cell = page.locator(f"td.fc-daygrid-day[data-date='{day.isoformat()}']")
    assert day_cell.locator(".fc-event", has_text="Spring is here").count() == 1


@pytest.mark.django_db(transaction=True)
def test_clicking_a_post_opens_its_preview_and_an_empty_future_day_composes(signed_in_page,
                                                                            sandbox):
    org = OrganizationFactory(slug="acme", name="Acme", timezone=BERLIN)
    approver = MembershipFactory(organization=org, role=Role.APPROVER).user
    account = ConnectedAccountFactory(organization=org)
    day = to_wall_clock(timezone.now(), BERLIN).date() + dt.timedelta(days=2)
    post = post_create(organization=org, actor=approver, data=PostData(
        text="Preview me", account_ids=[account.pk],
        scheduled_at=resolve_local(dt.datetime.combine(day, dt.time(9)), BERLIN).at))

    page = signed_in_page(approver)
    page.goto("/o/acme/calendar/")
    page.locator("#calendar[data-ready]").wait_for()
    page.evaluate(f"window.socialmgrCalendar.changeView('dayGridMonth', '{day.isoformat()}')")
    page.locator("#calendar[aria-busy='false']").wait_for()  # that month's events loaded
    page.locator(".fc-event", has_text="Preview me").click()
    dialog = page.locator("#cal-preview")
    dialog.get_by_role("heading", name="Preview me").wait_for()
    assert "Draft" in dialog.inner_text()
    assert account.handle in dialog.inner_text()
    dialog.get_by_role("button", name="Close").click()

    empty = day + dt.timedelta(days=1)
    page.locator(f"td.fc-daygrid-day[data-date='{empty.isoformat()}'] .fc-daygrid-day-frame") \
        .click(position={"x": 5, "y": 40})
    page.wait_for_url(f"**/o/acme/compose/?date={empty.isoformat()}&time=09:00")
    assert post.pk


@pytest.mark.django_db(transaction=True)
def test_networks_show_by_name_labels_are_capitalised_and_a_phone_gets_an_agenda(
        signed_in_page, sandbox):
    org = OrganizationFactory(slug="acme", name="Acme", timezone=BERLIN)
    approver = MembershipFactory(organization=org, role=Role.APPROVER).user
    account = ConnectedAccountFactory(organization=org, provider="sandbox")
    day = to_wall_clock(timezone.now(), BERLIN).date() + dt.timedelta(days=1)
    post = post_create(organization=org, actor=approver, data=PostData(
        text="Agenda item " + "with a rather long text " * 4, account_ids=[account.pk]))
    post_schedule(post=post, actor=approver,
                  scheduled_at=resolve_local(dt.datetime.combine(day, dt.time(14, 30)), BERLIN).at)

    page = signed_in_page(approver)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/o/acme/calendar/")
    page.locator("#calendar[data-ready]").wait_for()
    page.evaluate(f"window.socialmgrCalendar.changeView('dayGridMonth', '{day.isoformat()}')")
    page.locator("#calendar[aria-busy='false']").wait_for()
    for label in ("Today", "Month", "Week", "List"):
        assert page.get_by_role("button", name=label, exact=True).count() == 1
    event = page.locator(".fc-event", has_text="Agenda item")
    event.wait_for()
    icon = event.get_by_role("img", name=f"Sandbox: {account.handle}")
    assert icon.count() == 1
    assert "SA" not in event.inner_text().split()
    # Nothing in the card sticks out of its day cell.
    overflow = event.evaluate(
        "e => [...e.querySelectorAll('*')].filter(c => c.getBoundingClientRect().right >"
        " e.closest('td').getBoundingClientRect().right + 1).length")
    assert overflow == 0

    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/o/acme/calendar/")
    page.locator("#calendar[data-ready]").wait_for()
    page.locator("#calendar[aria-busy='false']").wait_for()
    assert page.evaluate("window.socialmgrCalendar.view.type") == "listMonth"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.evaluate(f"window.socialmgrCalendar.gotoDate('{day.isoformat()}')")
    page.locator(".fc-list-event", has_text="Agenda item").wait_for()
    assert "14:30" in page.locator(".fc-list-event", has_text="Agenda item").inner_text()
