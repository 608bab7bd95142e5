"""Saved replies, rules and saved searches can be changed, not only added and deleted."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from inbox.models import AutomationRule, InboxCursor, SavedReply, SavedSearch, search_source
from tests.factories import ConnectedAccountFactory

pytestmark = pytest.mark.django_db


def edit_url(org, kind, pk):
    return reverse("inbox_settings_edit", kwargs={"org_slug": org.slug, "kind": kind, "pk": pk})


def test_editor_edits_a_saved_reply(login, org, member_of):
    saved = SavedReply.objects.create(organization=org, title="Thanks", text="Thank you!")
    client = login(member_of("editor"))
    page = client.get(edit_url(org, "reply", saved.pk))
    assert page.status_code == 200 and "Thank you!" in page.content.decode()
    answer = client.post(edit_url(org, "reply", saved.pk),
                         {"edit-title": "Thanks", "edit-text": "Thank you so much!"})
    assert answer.status_code == 302 and answer["Location"].endswith("#saved-replies")
    saved.refresh_from_db()
    assert saved.text == "Thank you so much!"
    assert AuditEntry.objects.filter(verb="inbox.reply.changed").exists()


def test_bad_input_re_renders_and_changes_nothing(login, org, owner):
    saved = SavedReply.objects.create(organization=org, title="Thanks", text="Thank you!")
    answer = login(owner).post(edit_url(org, "reply", saved.pk),
                               {"edit-title": "", "edit-text": ""})
    assert answer.status_code == 400
    saved.refresh_from_db()
    assert saved.title == "Thanks"


def test_editor_cannot_edit_rules(login, org, member_of):
    rule = AutomationRule.objects.create(organization=org, name="Urgent", flag_urgent=True,
                                         match_keywords="refund")
    client = login(member_of("editor"))
    assert client.get(edit_url(org, "rule", rule.pk)).status_code == 403
    assert client.post(edit_url(org, "rule", rule.pk), {"edit-name": "x"}).status_code == 403


def test_admin_edits_a_rule(login, org, owner):
    rule = AutomationRule.objects.create(organization=org, name="Urgent", flag_urgent=True,
                                         match_keywords="refund", position=1)
    answer = login(owner).post(edit_url(org, "rule", rule.pk), {
        "edit-name": "Refunds", "edit-position": 2, "edit-enabled": "on",
        "edit-match_keywords": "refund, money back", "edit-flag_urgent": "on",
        "edit-add_label": "billing"})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    rule.refresh_from_db()
    assert (rule.name, rule.position, rule.add_label) == ("Refunds", 2, "billing")


def test_editing_a_search_restarts_its_cursors(login, org, owner):
    account = ConnectedAccountFactory(organization=org)
    search = SavedSearch.objects.create(organization=org, name="Brand", query="#acme")
    search.accounts.add(account)
    cursor = InboxCursor.objects.create(account=account, source=search_source(search.pk),
                                        cursor="12345", disabled=True)
    answer = login(owner).post(edit_url(org, "search", search.pk), {
        "edit-name": "Brand", "edit-query": "#acmecoffee", "edit-accounts": [account.pk],
        "edit-enabled": "on"})
    assert answer.status_code == 302
    search.refresh_from_db()
    cursor.refresh_from_db()
    assert search.query == "#acmecoffee"
    assert (cursor.cursor, cursor.disabled) == ("", False)


def test_another_organisations_entry_is_404(login, org, owner, other_org):
    theirs = SavedReply.objects.create(organization=other_org, title="x", text="y")
    client = login(owner)
    assert client.get(edit_url(org, "reply", theirs.pk)).status_code == 404
    assert client.get(edit_url(org, "nonsense", 1)).status_code == 404


def test_search_needs_a_word(login, org, owner):
    account = ConnectedAccountFactory(organization=org)
    answer = login(owner).post(reverse("inbox_settings", kwargs={"org_slug": org.slug}), {
        "section": "search", "search-name": "Nothing", "search-query": " # ",
        "search-accounts": [account.pk], "search-enabled": "on"})
    assert answer.status_code == 400
    assert "Enter a word or a #hashtag" in answer.content.decode()
    assert not SavedSearch.objects.exists()


def test_settings_show_how_each_search_stands(login, org, owner):
    from django.utils import timezone

    good = ConnectedAccountFactory(organization=org, handle="@works")
    unsupported = ConnectedAccountFactory(organization=org, handle="@nosearch")
    waiting = ConnectedAccountFactory(organization=org, handle="@fresh")
    search = SavedSearch.objects.create(organization=org, name="Brand", query="#acme")
    search.accounts.add(good, unsupported, waiting)
    now = timezone.now()
    InboxCursor.objects.create(account=good, source=search_source(search.pk),
                               last_polled_at=now)
    InboxCursor.objects.create(account=unsupported, source=search_source(search.pk),
                               last_polled_at=now, disabled=True,
                               last_error="this platform offers no search")
    body = login(owner).get(reverse("inbox_settings", kwargs={"org_slug": org.slug}))
    text = body.content.decode()
    assert "no search on this platform" in text
    assert "waiting for the first search" in text
    assert "searched 0" in text  # "searched 0 minutes ago"


def test_rules_follow_the_text_rule(login, org, owner):
    rule = AutomationRule.objects.create(organization=org, name="Urgent", flag_urgent=True,
                                         match_keywords="refund", position=1)
    client = login(owner)
    data = {"edit-name": "Refunds", "edit-position": 1, "edit-enabled": "on",
            "edit-match_keywords": "refund", "edit-flag_urgent": "on"}
    for field, limit in [("edit-name", 100), ("edit-match_keywords", 500),
                         ("edit-add_label", 50)]:
        answer = client.post(edit_url(org, "rule", rule.pk), {**data, field: "x" * (limit + 1)})
        assert answer.status_code == 400 and f"at most {limit}" in answer.content.decode()
    rule.refresh_from_db()
    assert (rule.name, rule.add_label) == ("Urgent", "")
    answer = client.post(edit_url(org, "rule", rule.pk), {
        **data, "edit-name": "Re\x00funds", "edit-match_author": "@ann\x1b",
        "edit-add_label": "billing\x7f"})
    assert answer.status_code == 302
    rule.refresh_from_db()
    assert (rule.name, rule.match_author, rule.add_label) == ("Refunds", "@ann", "billing")


def test_saved_searches_follow_the_text_rule(login, org, owner):
    account = ConnectedAccountFactory(organization=org)
    url = reverse("inbox_settings", kwargs={"org_slug": org.slug})
    data = {"section": "search", "search-name": "Brand", "search-query": "#acme",
            "search-accounts": [account.pk], "search-enabled": "on"}
    client = login(owner)
    too_long = client.post(url, {**data, "search-name": "n" * 101})
    assert too_long.status_code == 400 and "at most 100" in too_long.content.decode()
    only_controls = client.post(url, {**data, "search-query": "\x00\x1b"})
    assert only_controls.status_code == 400
    assert not SavedSearch.objects.exists()
    assert client.post(url, {**data, "search-name": "Br\x00and",
                             "search-query": "#ac\x08me"}).status_code == 302
    saved = SavedSearch.objects.get()
    assert (saved.name, saved.query) == ("Brand", "#acme")
