"""Server-rendered markup of the shell, the auth pages and shared includes."""

import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import override_settings

from accounts.roles import Role

CSS = (Path(__file__).resolve().parent.parent / "static" / "css" / "app.css").read_text()

COMPONENT_CLASSES = [
    "shell", "topbar", "sidenav", "main", "page-header", "card", "btn", "btn-primary",
    "btn-danger", "btn-link", "btn-small", "badge", "table", "table-wrap", "table-dense",
    "form", "field", "field-check", "help", "field-error", "has-error", "form-actions",
    "form-row", "alert", "alert-error", "flash", "flash-stack", "flash-success", "flash-info",
    "flash-warning", "flash-error", "empty-state", "stat-grid", "stat", "menu", "menu-list",
    "dialog", "subnav", "settings-layout", "narrow", "muted", "visually-hidden", "skip-link",
    "count", "checklist", "filter-bar", "kv", "status-list", "inline-form", "lang-picker",
    "auth", "auth-main", "auth-card", "auth-brand", "icon", "htmx-indicator", "htmx-request",
]


def test_stylesheet_defines_every_shared_component():
    missing = [c for c in COMPONENT_CLASSES if not re.search(rf"\.{re.escape(c)}\b", CSS)]
    assert missing == []


def test_nav_open_shows_the_sidenav_on_small_screens():
    assert re.search(r"body\.nav-open \.sidenav\s*\{\s*display:\s*block", CSS)


@pytest.mark.parametrize("state", [
    "draft", "pending_approval", "changes_requested", "approved", "scheduled", "publishing",
    "published", "partially_failed", "failed", "unconfirmed", "paused", "cancelled",
])
def test_status_badge_carries_class_and_label(state):
    html = render_to_string("includes/status_badge.html", {"status": state, "label": "Label"})
    assert f'class="badge status-{state}"' in html
    assert ">Label<" in html


@pytest.mark.django_db
class TestShell:
    def test_landmarks_skip_link_and_navigation(self, client, org, member_of):
        client.force_login(member_of(Role.EDITOR))
        html = client.get(f"/o/{org.slug}/").content.decode()
        body = html.split("<body", 1)[1]
        # the skip link is the first focusable element and targets main
        assert re.search(r'^[^>]*>\s*<a class="skip-link" href="#main">', body)
        assert '<header class="topbar">' in html
        assert re.search(r'<nav class="sidenav" id="sidenav" aria-label="Main">', html)
        assert '<main id="main" class="main"' in html
        for name in ("compose", "calendar", "inbox", "analytics"):
            assert f'href="/o/{org.slug}/' in html and name.capitalize() in html
        assert 'class="btn btn-primary nav-compose"' in html
        # current page marked for assistive technology
        assert re.search(rf'href="/o/{org.slug}/" aria-current="page"', html)
        # toggle for small screens controls the nav
        assert 'aria-controls="sidenav" aria-expanded="false" data-nav-toggle' in html

    def test_viewer_gets_no_compose_button(self, client, org, member_of):
        client.force_login(member_of(Role.VIEWER))
        html = client.get(f"/o/{org.slug}/").content.decode()
        assert "nav-compose" not in html

    def test_user_menu_offers_account_pages_language_and_sign_out(self, client, org, owner):
        client.force_login(owner)
        html = client.get(f"/o/{org.slug}/").content.decode()
        menu = html.split('class="menu user-menu"', 1)[1].split("</details>", 1)[0]
        for url in ("/preferences/", "/accounts/email/", "/accounts/password/change/",
                    "/accounts/2fa/", "/accounts/sessions/"):
            assert f'href="{url}"' in menu
        assert 'name="language" value="de"' in menu and 'aria-pressed="true"' in menu
        assert 'action="/accounts/logout/"' in menu and "csrfmiddlewaretoken" in menu

    def test_org_switcher_lists_only_own_organisations(self, client, org, owner, other_org):
        client.force_login(owner)
        html = client.get(f"/o/{org.slug}/").content.decode()
        switcher = html.split('class="menu org-switcher"', 1)[1].split("</details>", 1)[0]
        assert f'href="/o/{org.slug}/" aria-current="true"' in switcher
        assert other_org.slug not in switcher

    def test_settings_nav_item_is_current_on_settings_pages(self, client, org, owner):
        client.force_login(owner)
        html = client.get(f"/o/{org.slug}/settings/members/").content.decode()
        nav = html.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
        assert re.search(r'aria-current="page">\s*<svg[^>]*>.*?</svg>\s*Settings', nav, re.S)


@pytest.mark.django_db
class TestForms:
    def test_invalid_form_has_summary_and_linked_inline_errors(self, client, org, owner):
        client.force_login(owner)
        response = client.post(f"/o/{org.slug}/settings/", {"name": "", "slug": "x y"})
        html = response.content.decode()
        assert response.status_code == 200
        summary = html.split('class="alert alert-error"', 1)[1].split("</div>", 1)[0]
        assert 'href="#id_name"' in summary
        field = re.search(r'<input[^>]*id="id_name"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in field
        described = re.search(r'aria-describedby="([^"]+)"', field).group(1).split()
        for ident in described:
            assert f'id="{ident}"' in html, ident
        assert 'class="field has-error"' in html


@pytest.mark.django_db
class TestAuthPages:
    @pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/",
                                     "/accounts/password/reset/"])
    def test_entrance_pages_use_the_auth_layout(self, client, url):
        html = client.get(url).content.decode()
        assert '<body class="auth"' in html
        assert 'class="card auth-card' in html and 'class="auth-brand"' in html
        assert 'id="lang-select"' in html
        assert 'class="btn btn-primary"' in html  # the form's submit is the primary action
        assert "<p><label" not in html  # not allauth's bare as_p markup

    def test_login_offers_passkey_as_secondary_alternative(self, client):
        html = client.get("/accounts/login/").content.decode()
        assert 'class="or-divider"' in html
        passkey = re.search(r'<button class="([^"]+)" form="mfa_login" id="passkey_login"', html)
        assert passkey and passkey.group(1) == "btn"
        # allauth's passkey script hooks stay intact (external script + JSON data block)
        assert 'data-allauth-onload="allauth.webauthn.forms.loginForm"' in html

    @pytest.mark.parametrize(("url", "current"), [
        ("/accounts/email/", "Email addresses"),
        ("/accounts/password/change/", "Password"),
        ("/accounts/2fa/", "Two-factor authentication"),
        ("/accounts/sessions/", "Sessions"),
        ("/preferences/", "Preferences"),
    ])
    def test_account_pages_render_in_the_shell_with_account_nav(self, client, owner, url,
                                                                current):
        client.force_login(owner)
        html = client.get(url).content.decode()
        assert '<header class="topbar">' in html
        subnav = html.split('aria-label="Account settings"', 1)[1].split("</nav>", 1)[0]
        assert re.search(rf'aria-current="page">{re.escape(current)}</a>', subnav)

    def test_sessions_table_shows_times_with_absolute_tooltip(self, client, owner):
        client.force_login(owner)
        html = client.get("/accounts/sessions/").content.decode()
        assert re.search(r'<time datetime="[^"]+" title="[^"]+">', html)
        assert "status-published" in html  # the current session badge


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_404_page_uses_our_layout(client):
    response = client.get("/definitely/not/here/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "auth-card" in html and "Page not found" in html


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_404_for_a_signed_in_person_keeps_the_app_shell(client, owner):
    client.force_login(owner)
    html = client.get("/definitely/not/here/").content.decode()
    assert '<header class="topbar">' in html and "Page not found" in html


@pytest.mark.django_db
def test_403_for_a_weak_role_keeps_the_app_shell(client, org, member_of):
    client.force_login(member_of(Role.VIEWER))
    response = client.get(f"/o/{org.slug}/settings/audit/")
    assert response.status_code == 403
    html = response.content.decode()
    assert '<header class="topbar">' in html and "Not allowed" in html


def test_500_page_renders_without_context():
    html = render_to_string("500.html")
    assert "/static/css/app.css" in html and "auth-card" in html
    assert "{%" not in html
