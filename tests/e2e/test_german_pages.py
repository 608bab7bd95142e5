"""Every page an owner reaches, under German: no English UI words left.

The check reads what a person sees and hears: the visible text plus placeholders,
aria-labels, titles and button values. It looks for a short list of tell-tale English
UI words (a word German shares, such as "Status", "Filter", "Export" or "Label", is not
on it). Proper names, handles and the user's own content are set up in German or
neutral (tests/e2e/owner_pages.py); ALLOWED documents the few English words that are
correct on a German page.
"""

import re
import warnings

import pytest

from tests.e2e.owner_pages import detail_paths, org_paths, owner_with_content

pytestmark = pytest.mark.django_db(transaction=True)

# Words that only appear when a string was left untranslated.
ENGLISH = {
    "the", "and", "your", "you", "with", "this", "that", "not", "for", "from", "are", "has",
    "have", "will", "there", "yet", "no", "none", "available", "save", "cancel", "delete",
    "edit", "change", "settings", "published", "scheduled", "draft", "drafts", "inbox",
    "analytics", "calendar", "compose", "sign", "account", "accounts", "members", "member",
    "show", "hide", "more", "back", "next", "previous", "today", "month", "week", "list",
    "loading", "search", "open", "done", "reply", "replies", "assign", "approve", "reject",
    "submit", "upload", "remove", "add", "create", "new", "update", "close", "yes", "error",
    "required", "minutes", "hours", "days", "posts", "post", "followers", "engagements",
    "impressions", "likes", "queue", "notifications", "overview", "publishing", "owner",
    "admin", "editor", "viewer", "approver", "email", "password", "history", "sources",
    "when", "date", "time", "media", "library", "import", "subscribe", "filters", "all",
    "chosen", "period", "last", "custom", "platform", "platforms", "clicks", "before",
    "rate", "best", "mon", "tue", "wed", "thu", "fri", "sat", "sun",
}
# English that is right on a German page: brand and product names, the sandbox network's
# name, and words German uses as they are (listed so the choice is visible).
ALLOWED = {
    "socialmgr", "sandbox", "mastodon", "bluesky", "linkedin", "instagram", "facebook",
    "threads", "ical", "csv", "pdf", "api", "webhook", "webhooks", "token", "tokens",
    "utm", "totp", "e-mail", "posts",  # "Posts" is German UI vocabulary too ("Reposts")
}
WORD = re.compile(r"[A-Za-zÄÖÜäöüß][A-Za-zÄÖÜäöüß'-]*")
# Visible text without what is not prose: code (CSV column names, field names), keyboard
# keys, and IANA time zone names ("America/New_York") in the zone pickers.
VISIBLE_TEXT = """() => {
  const body = document.createElement('div');
  body.append(...document.body.cloneNode(true).childNodes);
  body.querySelectorAll('code, kbd, pre, script, style, template, [hidden]')
    .forEach(e => e.remove());
  body.querySelectorAll('option').forEach(o => { if (o.textContent.includes('/')) o.remove(); });
  document.body.appendChild(body);  // innerText needs layout
  body.style.position = 'absolute'; body.style.left = '-99999px';
  const parts = [document.title, body.innerText];
  body.remove();
  const labelled = '[placeholder],[aria-label],[title],input[type=submit],input[type=button]';
  for (const el of document.querySelectorAll(labelled)) {
    if (el.closest('[hidden]')) continue;
    for (const a of ['placeholder', 'aria-label', 'title', 'value']) {
      const shown = a !== 'value' || el.type === 'submit' || el.type === 'button';
      if (el.hasAttribute(a) && shown) parts.push(el.getAttribute(a));
    }
  }
  return parts.join('\\n');
}"""
# Pages another part of issue 12 is still changing: checked and reported, not failed.
PENDING: dict[str, str] = {}


def english_words(text: str) -> list[str]:
    found = []
    for word in WORD.findall(text):
        key = word.lower()
        if key in ENGLISH and key not in ALLOWED:
            found.append(word)
    return sorted(set(found))


def test_the_word_check_finds_english():
    assert english_words("Save the draft · Speichern") == ["Save", "draft", "the"]
    assert english_words("Entwurf speichern · Sandbox · CSV") == []


def test_every_owner_page_is_german(browser, live_server, sandbox):
    _org, owner = owner_with_content()
    context = browser.new_context(base_url=live_server.url, locale="de-DE",
                                  extra_http_headers={"Accept-Language": "de"},
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    from tests.factories import DEFAULT_PASSWORD

    for path in ("/accounts/signup/", "/accounts/password/reset/", "/accounts/login/"):
        page.goto(path)
        assert english_words(page.evaluate(VISIBLE_TEXT)) == [], path
    # A validation message (allauth's own) is German too.
    page.fill("#id_login", "niemand@example.com")
    page.fill("#id_password", "falsch")
    page.locator("form button[type=submit]").first.click()
    page.locator(".alert-error, .field-error, .errorlist").first.wait_for()
    assert english_words(page.evaluate(VISIBLE_TEXT)) == [], "login error"
    page.fill("#id_login", owner.email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/o/**")
    left = {}
    for path in org_paths() + detail_paths(_org):
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        words = english_words(page.evaluate(VISIBLE_TEXT))
        if words and path in PENDING:
            warnings.warn(f"{path} still shows English ({PENDING[path]}): {words}", stacklevel=1)
        elif words:
            left[path] = words
    context.close()
    assert left == {}, "English words left:\n" + "\n".join(f"{p}: {w}" for p, w in left.items())
