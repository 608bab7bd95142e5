"""The inbox journey in a browser: a comment arrives on the sandbox, appears without a reload,
is assigned, answered (the reply exists on the sandbox), marked done; filters and shortcuts."""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from inbox.models import InboxCursor, InboxItem, ReplyStatus
from inbox.services import inbox_enqueue_due_polls
from tests.factories import MembershipFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_a_comment_is_answered_and_resolved_from_the_inbox(
        signed_in_page, page, org, owner, sandbox, connect_sandbox_account):
    account = connect_sandbox_account(org, "acme_coffee", display_name="Acme Coffee")
    bea = UserFactory(first_name="Bea", last_name="Berg")
    MembershipFactory(user=bea, organization=org, role=Role.EDITOR)
    sandbox.inject("acme_coffee", "mention", text="@acme_coffee love the new blend",
                   author="ann@elsewhere")
    inbox_enqueue_due_polls()

    signed_in_page(owner)
    page.goto(f"/o/{org.slug}/inbox/")
    expect(page.get_by_text("love the new blend").first).to_be_visible()

    # A new comment arrives on the sandbox and shows up without a reload.
    sandbox.inject("acme_coffee", "mention", text="@acme_coffee is the shop open on Sunday?",
                   author="bob@elsewhere")
    InboxCursor.objects.update(next_poll_at=None)  # a minute later: the next beat
    inbox_enqueue_due_polls()
    page.evaluate("document.body.dispatchEvent(new Event('inbox:refresh'))")
    new_row = page.locator("[data-inbox-row]", has_text="open on Sunday")
    expect(new_row).to_be_visible()

    # Filter by full-text search.
    page.get_by_placeholder("Search text and authors").fill("Sunday")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("[data-inbox-row]")).to_have_count(1)

    # Open it, assign it, answer it.
    new_row.locator("[data-row-link]").click()
    conversation = page.locator("#conversation")
    expect(conversation.get_by_role("heading", level=2)).to_contain_text("bob")
    conversation.get_by_label("Assignee").select_option(label="Bea Berg")
    conversation.get_by_role("button", name="Assign", exact=True).click()
    expect(conversation.get_by_text("Assigned to Bea Berg").first).to_be_visible()
    conversation.locator("[data-reply-form] textarea").fill("Yes, from 10 to 16 h!")
    conversation.get_by_role("button", name="Send reply").click()
    expect(conversation.get_by_role("link", name="View on the platform")).to_be_visible()

    item = InboxItem.objects.get(account=account, text__contains="Sunday")
    reply = item.replies.get()
    assert reply.status == ReplyStatus.SENT and reply.author == owner
    statuses = sandbox.statuses(account.external_id, account.get_access_token())
    on_sandbox = next(s for s in statuses if s["id"] == reply.remote_id)
    assert on_sandbox["in_reply_to_id"] == item.remote_id

    conversation.get_by_role("button", name="Mark done").click()
    expect(conversation.get_by_text("Marked as done.")).to_be_visible()
    item.refresh_from_db()
    assert item.status == "done" and item.assignee == bea


@pytest.mark.django_db(transaction=True)
def test_keyboard_shortcuts_move_through_the_list(signed_in_page, page, org, owner):
    from tests.factories import ConnectedAccountFactory
    from tests.inbox.factories import InboxItemFactory

    account = ConnectedAccountFactory(organization=org)
    for text in ("oldest question", "middle question", "newest question"):
        InboxItemFactory(organization=org, account=account, text=text)
    signed_in_page(owner)
    page.goto(f"/o/{org.slug}/inbox/")
    conversation = page.locator("#conversation")
    page.keyboard.press("j")
    expect(conversation.locator(".thread-current")).to_contain_text("newest question")
    page.keyboard.press("j")
    expect(conversation.locator(".thread-current")).to_contain_text("middle question")
    page.keyboard.press("k")
    expect(conversation.locator(".thread-current")).to_contain_text("newest question")
    # e marks it done and opens the next one
    page.keyboard.press("e")
    expect(conversation.locator(".thread-current")).to_contain_text("middle question")
    assert InboxItem.objects.get(text="newest question").status == "done"
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_bulk_assign_from_the_list(signed_in_page, page, org, owner):
    from tests.factories import ConnectedAccountFactory
    from tests.inbox.factories import InboxItemFactory

    bea = UserFactory(first_name="Bea", last_name="Berg")
    MembershipFactory(user=bea, organization=org, role=Role.EDITOR)
    account = ConnectedAccountFactory(organization=org)
    for text in ("first question", "second question", "third question"):
        InboxItemFactory(organization=org, account=account, text=text)
    signed_in_page(owner)
    page.goto(f"/o/{org.slug}/inbox/")
    for text in ("first question", "second question"):
        page.locator("[data-inbox-row]", has_text=text).locator(".inbox-row-check").check()
    page.get_by_label("Assign selected items to").select_option(label="Bea Berg")
    page.locator("#bulk-form").get_by_role("button", name="Assign").click()
    expect(page.get_by_text("2 items assigned to Bea Berg.")).to_be_visible()
    assert set(InboxItem.objects.filter(assignee=bea).values_list("text", flat=True)) == {
        "first question", "second question"}
    # Enter in the label field adds the label; it does not mark the items done.
    for text in ("first question", "second question"):  # the updated rows come unselected
        row = page.locator("[data-inbox-row]", has_text=text)
        # The fresh rows replace the old ones after htmx settles, a moment after the message:
        # ticking a box before that ticks a row about to be replaced.
        expect(row).to_contain_text("Bea Berg")
        row.locator(".inbox-row-check").check()
        expect(row.locator(".inbox-row-check")).to_be_checked()
    page.get_by_label("Label for the selected items").fill("sunday")
    page.get_by_label("Label for the selected items").press("Enter")
    expect(page.get_by_text("Label added to 2 items.")).to_be_visible()
    assert set(InboxItem.objects.filter(labels__contains=["sunday"])
               .values_list("status", flat=True)) == {"open"}


@pytest.mark.django_db(transaction=True)
def test_listening_results_and_trends(signed_in_page, page, org, owner, sandbox,
                                      connect_sandbox_account):
    from inbox.models import SavedSearch
    from inbox.services import inbox_enqueue_due_searches

    sandbox.knobs(public_per_hour=0)
    account = connect_sandbox_account(org, "acme_coffee", display_name="Acme Coffee")
    sandbox.public_post("old news #latteart", author="lena@fediverse.example", ago_s=9 * 86400)
    for n in range(3):
        sandbox.public_post(f"cup {n} of #coldbrew", author="marco@social.example",
                            ago_s=86400 + n * 60)
    search = SavedSearch.objects.create(organization=org, name="Cold brew", query="#coldbrew")
    search.accounts.add(account)
    inbox_enqueue_due_searches()

    signed_in_page(owner)
    page.goto(f"/o/{org.slug}/inbox/trends/")
    rising = page.locator("section", has=page.get_by_role(
        "heading", name="Rising hashtags (7 days vs the 7 before)"))
    expect(rising.get_by_role("link", name="#coldbrew")).to_be_visible()
    rising.get_by_role("link", name="#coldbrew").click()
    expect(page.locator("[data-inbox-row]")).to_have_count(3)
    expect(page.locator("[data-inbox-row]").first).to_contain_text("cup 0 of #coldbrew")


def _no_reload_marker(page):
    """Set a mark on the window: it is gone if the page reloads."""
    page.evaluate("window.__stillHere = true")
    return lambda: page.evaluate("window.__stillHere === true")


@pytest.mark.django_db(transaction=True)
def test_a_reply_turns_from_sending_to_sent_or_failed_in_place(
        signed_in_page, page, org, owner, sandbox, connect_sandbox_account):
    from inbox.models import InboxReply
    from inbox.services import inbox_reply_send

    account = connect_sandbox_account(org, "acme_coffee", display_name="Acme Coffee")
    sandbox.inject("acme_coffee", "mention", text="@acme_coffee where is my order?",
                   author="ann@elsewhere")
    inbox_enqueue_due_polls()
    item = InboxItem.objects.get(account=account)
    # The worker has not picked the reply up yet.
    reply = InboxReply.objects.create(item=item, author=owner, text="It ships today!",
                                      status=ReplyStatus.SENDING)
    signed_in_page(owner)
    page.goto(f"/o/{org.slug}/inbox/{item.pk}/")
    still_here = _no_reload_marker(page)
    ours = page.locator(f"#reply-{reply.pk}")
    expect(ours).to_contain_text("Sending…")
    inbox_reply_send(reply_id=reply.pk)  # the worker delivers it
    expect(ours.get_by_role("link", name="View on the platform")).to_be_visible()
    expect(ours).to_contain_text("Sent")
    assert still_here()

    # The platform refuses the next one: its reason and a retry, in place.
    sandbox.faults({"route": "POST /api/v1/statuses", "fault": "reject", "status": 422,
                    "message": "Text contains forbidden words"})
    second = InboxReply.objects.create(item=item, author=owner, text="Buy now!!!",
                                       status=ReplyStatus.SENDING)
    page.reload()
    still_here = _no_reload_marker(page)
    inbox_reply_send(reply_id=second.pk)
    failed = page.locator(f"#reply-{second.pk}")
    expect(failed).to_contain_text("forbidden words")
    failed.get_by_role("button", name="Retry").click()
    expect(failed.get_by_role("link", name="View on the platform")).to_be_visible()
    assert still_here()
    second.refresh_from_db()
    assert second.status == ReplyStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_mark_done_opens_the_next_conversation_and_the_count_drops(
        signed_in_page, page, org, owner):
    from tests.factories import ConnectedAccountFactory
    from tests.inbox.factories import InboxItemFactory

    account = ConnectedAccountFactory(organization=org)
    for text in ("oldest question", "middle question", "newest question"):
        InboxItemFactory(organization=org, account=account, text=text)
    newest = InboxItem.objects.get(text="newest question")
    signed_in_page(owner)
    page.goto(f"/o/{org.slug}/inbox/")
    badge = page.locator("#nav-inbox-count")
    expect(badge).to_contain_text("3 open items")
    page.locator("[data-inbox-row]", has_text="newest question").locator(
        "[data-row-link]").click()
    conversation = page.locator("#conversation")
    expect(conversation.locator(".thread-current")).to_contain_text("newest question")
    still_here = _no_reload_marker(page)
    conversation.get_by_role("button", name="Mark done").click()
    expect(conversation.locator(".thread-current")).to_contain_text("middle question")
    expect(conversation.get_by_role("status").first).to_contain_text("Marked as done.")
    expect(page.locator(f"#item-row-{newest.pk}")).to_have_count(0)
    expect(page.locator("[data-inbox-row].is-selected")).to_contain_text("middle question")
    expect(badge).to_contain_text("2 open items")
    assert page.evaluate("document.activeElement.id") == "conversation"
    assert page.url.endswith(f"/inbox/{InboxItem.objects.get(text='middle question').pk}/")
    assert still_here()
    # Undo brings it back, in the list too.
    conversation.get_by_role("button", name="Undo").click()
    expect(conversation.locator(".thread-current")).to_contain_text("newest question")
    expect(page.locator(f"#item-row-{newest.pk}")).to_have_count(1)
    expect(badge).to_contain_text("3 open items")


@pytest.mark.django_db(transaction=True)
def test_s_snoozes_the_conversation_until_tomorrow_and_the_snoozed_list_has_it(
        signed_in_page, page, org, owner):
    from tests.factories import ConnectedAccountFactory
    from tests.inbox.factories import InboxItemFactory

    account = ConnectedAccountFactory(organization=org)
    for text in ("older question", "newer question"):
        InboxItemFactory(organization=org, account=account, text=text)
    newer = InboxItem.objects.get(text="newer question")
    signed_in_page(owner)
    page.goto(f"/o/{org.slug}/inbox/")
    page.locator("[data-inbox-row]", has_text="newer question").locator(
        "[data-row-link]").click()
    conversation = page.locator("#conversation")
    expect(conversation.locator(".thread-current")).to_contain_text("newer question")
    conversation.locator(".thread-current").click()  # the keys work where the person reads
    page.keyboard.press("s")
    expect(conversation.get_by_role("button", name="In 1 hour")).to_be_focused()
    page.keyboard.press("Escape")  # closes the menu again
    tomorrow = conversation.get_by_role("button", name="Tomorrow morning")
    expect(tomorrow).to_be_hidden()
    page.keyboard.press("s")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # the arrows move between the choices
    expect(tomorrow).to_be_focused()
    page.keyboard.press("Enter")
    expect(conversation.locator(".thread-current")).to_contain_text("older question")
    expect(conversation.get_by_role("status").first).to_contain_text("Snoozed until")
    expect(page.locator(f"#item-row-{newer.pk}")).to_have_count(0)
    expect(page.locator("#nav-inbox-count")).to_contain_text("1 open item")
    newer.refresh_from_db()
    assert newer.is_snoozed and newer.snoozed_until.hour in range(24)
    page.goto(f"/o/{org.slug}/inbox/?status=snoozed")
    row = page.locator(f"#item-row-{newer.pk}")
    expect(row).to_contain_text("Snoozed until")
    row.locator("[data-row-link]").click()
    conversation.get_by_role("button", name="Unsnooze").click()
    expect(conversation.get_by_role("status").first).to_contain_text("Back in the open list.")
    newer.refresh_from_db()
    assert not newer.is_snoozed


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1440, 390])
def test_the_bulk_toolbar_never_covers_a_row(signed_in_page, page, org, owner, width):
    from tests.factories import ConnectedAccountFactory
    from tests.inbox.factories import InboxItemFactory

    account = ConnectedAccountFactory(organization=org)
    InboxItemFactory.create_batch(30, organization=org, account=account)
    page.set_viewport_size({"width": width, "height": 900})
    signed_in_page(owner)
    page.goto(f"/o/{org.slug}/inbox/")
    toolbar = page.locator("#bulk-form")
    rows = page.locator("[data-inbox-row]")
    rows.nth(0).locator(".inbox-row-check").check()
    rows.nth(3).locator(".inbox-row-check").check()
    expect(toolbar).to_contain_text("Selected: 2")
    expect(toolbar.get_by_role("button", name="Mark done")).to_be_visible()
    overlaps = """() => {
      const bar = document.getElementById('bulk-form').getBoundingClientRect();
      const list = document.getElementById('inbox-list').getBoundingClientRect();
      return [...document.querySelectorAll('[data-inbox-row]')].filter(row => {
        const r = row.getBoundingClientRect();
        // The part shown: inside the window and the list (which clips what it scrolled away).
        const top = Math.max(r.top, list.top, 0);
        const bottom = Math.min(r.bottom, list.bottom, innerHeight);
        return bottom - top > 0.5 && top < bar.bottom - 0.5 && bottom > bar.top + 0.5;
      }).length;
    }"""
    assert page.evaluate(overlaps) == 0
    # Scrolled down the list (wide: the rows scroll; phone: the page), still nothing under it.
    page.evaluate("document.getElementById('inbox-list').scrollTop = 600;"
                  "window.scrollBy(0, 600)")
    assert page.evaluate(overlaps) == 0
    # The band pushed the rows down: the first row starts below it.
    page.evaluate("document.getElementById('inbox-list').scrollTop = 0; window.scrollTo(0, 0)")
    bar = toolbar.bounding_box()
    first = rows.nth(0).bounding_box()
    assert first["y"] >= bar["y"] + bar["height"] - 1


@pytest.mark.django_db(transaction=True)
def test_question_mark_lists_the_keyboard_shortcuts(signed_in_page, page, org, owner):
    signed_in_page(owner)
    page.goto(f"/o/{org.slug}/inbox/")
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    for what in ("Next item", "Mark done and open the next item", "Reply", "Assign", "Search"):
        expect(dialog.get_by_text(what, exact=True)).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="Shortcuts").click()
    expect(dialog).to_be_visible()
