"""The connected-accounts pages and the generic connect flow, with the Fake Social provider."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from django.core import mail

from accounts.models import AccountAccess, AccountStatus, AuditEntry, ConnectedAccount, Membership
from accounts.roles import Role
from platforms.base import Tokens
from tests.factories import ConnectedAccountFactory
from tests.platforms.fakeplatform import (
    BASE,
    KEY,
    add_me,
    add_token_endpoint,
    fake_provider,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.usefixtures("fake_provider")
SECRET = "tok-VERY-SECRET-value-9f8e7d6c5b4a"


def start(client, org, **data):
    response = client.post(f"/o/{org.slug}/settings/accounts/connect/{KEY}/start/", data)
    # A hand-off page, not a 302: CSP form-action 'self' would block a redirect off-site.
    assert response.status_code == 200, response.content[:500]
    assert b'http-equiv="refresh"' in response.content
    return response.context["redirect_url"]


def callback(client, authorize_url, **override):
    query = parse_qs(urlsplit(authorize_url).query)
    params = {"state": query["state"][0], "code": "the-code", **override}
    response = client.get(f"/connect/{KEY}/callback/", params)
    assert response.status_code == 302
    return client.get(response["Location"])


@responses.activate
def test_admin_connects_an_account_through_oauth_with_pkce(org, owner, login):
    client = login(owner)
    authorize = start(client, org)
    assert authorize.startswith(f"{BASE}/oauth/authorize")
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == [f"http://127.0.0.1:8000/connect/{KEY}/callback/"]
    add_token_endpoint(responses, access=SECRET)
    add_me(responses)
    response = callback(client, authorize)
    assert response.status_code == 302
    account = ConnectedAccount.objects.get(organization=org, provider=KEY)
    assert account.external_id == "42" and account.get_access_token() == SECRET
    assert account.access_token_encrypted and SECRET not in account.access_token_encrypted
    sent = responses.calls[0].request.body
    assert "code_verifier=" in sent  # the PKCE verifier from the session was used
    assert AuditEntry.objects.filter(verb="accounts.account.connected").exists()
    page = client.get(f"/o/{org.slug}/settings/accounts/")
    assert b"@brand@fake.example" in page.content
    assert SECRET.encode() not in page.content


@responses.activate
def test_tampered_state_connects_nothing(org, owner, login):
    client = login(owner)
    authorize = start(client, org)
    response = callback(client, authorize, state="forged")
    assert response.status_code == 302
    assert not ConnectedAccount.objects.filter(organization=org).exists()
    page = client.get(response["Location"])
    assert b"could not be verified" in page.content
    assert len(responses.calls) == 0  # never exchanged the code


@responses.activate
def test_denied_consent_shows_a_clear_message_and_connects_nothing(org, owner, login):
    client = login(owner)
    authorize = start(client, org)
    response = callback(client, authorize, code="", error="access_denied")
    page = client.get(response["Location"])
    assert b"Access was not granted" in page.content
    assert not ConnectedAccount.objects.filter(organization=org).exists()


def test_callback_without_a_started_flow_is_refused(org, owner, login):
    client = login(owner)
    response = client.get(f"/connect/{KEY}/callback/", {"state": "x", "code": "y"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert not ConnectedAccount.objects.exists()


@responses.activate
def test_same_account_twice_in_one_org_is_refused_but_another_org_may_connect_it(
        org, other_org, owner, outsider, login, client):
    ConnectedAccountFactory(organization=org, provider=KEY, external_id="42")
    c = login(owner)
    add_token_endpoint(responses)
    add_me(responses)
    page = c.get(callback(c, start(c, org))["Location"])
    assert b"already connected" in page.content
    assert ConnectedAccount.objects.filter(organization=org, provider=KEY).count() == 1
    c.logout()
    c = login(outsider)
    callback(c, start(c, other_org))
    assert ConnectedAccount.objects.filter(organization=other_org, external_id="42").exists()


@responses.activate
def test_reconnect_keeps_the_account_and_its_refresh_token(org, owner, login):
    account = ConnectedAccountFactory(organization=org, provider=KEY, external_id="42",
                                      status=AccountStatus.NEEDS_RECONNECT)
    account.set_tokens(Tokens(access_token="old", refresh_token="keep-me"))
    account.save()
    client = login(owner)
    add_token_endpoint(responses, access="new-access", refresh="")  # platform sends none
    add_me(responses)
    callback(client, start(client, org, account=account.pk))
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE
    assert account.get_access_token() == "new-access"
    assert account.get_refresh_token() == "keep-me"
    assert ConnectedAccount.objects.filter(organization=org).count() == 1


@responses.activate
def test_reconnect_as_a_different_platform_account_is_refused(org, owner, login):
    account = ConnectedAccountFactory(organization=org, provider=KEY, external_id="1")
    client = login(owner)
    add_token_endpoint(responses)
    add_me(responses, user_id="999", handle="@someone-else")
    page = client.get(callback(client, start(client, org, account=account.pk))["Location"])
    assert b"someone-else" in page.content
    account.refresh_from_db()
    assert account.external_id == "1"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR, Role.APPROVER])
def test_only_admins_manage_accounts(org, member_of, login, role):
    account = ConnectedAccountFactory(organization=org, provider=KEY)
    client = login(member_of(role))
    page = client.get(f"/o/{org.slug}/settings/accounts/")
    assert page.status_code == 200
    assert account.handle.encode() in page.content
    assert b"Disconnect" not in page.content
    assert client.post(f"/o/{org.slug}/settings/accounts/{account.pk}/disable/").status_code \
        == 403
    assert client.post(f"/o/{org.slug}/settings/accounts/connect/{KEY}/start/").status_code \
        == 403


def test_rename_disable_enable_disconnect(org, owner, login):
    account = ConnectedAccountFactory(organization=org, provider=KEY)
    client = login(owner)
    base = f"/o/{org.slug}/settings/accounts/{account.pk}"
    client.post(f"{base}/rename/", {"label": "Client A"})
    client.post(f"{base}/disable/")
    account.refresh_from_db()
    assert account.label == "Client A" and account.status == AccountStatus.DISABLED
    client.post(f"{base}/enable/")
    client.post(f"{base}/disconnect/")
    account.refresh_from_db()
    assert account.status == AccountStatus.DISABLED and account.disconnected_at is not None
    verbs = set(AuditEntry.objects.values_list("verb", flat=True))
    assert {"accounts.account.renamed", "accounts.account.disabled", "accounts.account.enabled",
            "accounts.account.disconnected"} <= verbs
    page = client.get(f"/o/{org.slug}/settings/accounts/").content.decode()
    assert f'id="account-{account.pk}"' not in page


def test_another_orgs_account_is_404(org, other_org, owner, login):
    foreign = ConnectedAccountFactory(organization=other_org, provider=KEY)
    client = login(owner)
    assert client.post(f"/o/{org.slug}/settings/accounts/{foreign.pk}/disable/").status_code \
        == 404


def test_restricted_editor_sees_only_allowed_accounts(org, owner, member_of, login):
    allowed = ConnectedAccountFactory(organization=org, provider=KEY, handle="@allowed")
    ConnectedAccountFactory(organization=org, provider=KEY, handle="@hidden")
    editor = member_of(Role.EDITOR)
    membership = Membership.objects.get(user=editor, organization=org)
    client = login(owner)
    response = client.post(f"/o/{org.slug}/settings/accounts/access/{membership.pk}/",
                           {"restricted": "yes", "accounts": [str(allowed.pk)]})
    assert response.status_code == 302
    assert list(AccountAccess.objects.values_list("account_id", flat=True)) == [allowed.pk]
    client.logout()
    page = login(editor).get(f"/o/{org.slug}/settings/accounts/").content
    assert b"@allowed" in page and b"@hidden" not in page


def test_restriction_without_accounts_is_a_form_error(org, owner, member_of, login):
    editor = member_of(Role.EDITOR)
    membership = Membership.objects.get(user=editor, organization=org)
    response = login(owner).post(f"/o/{org.slug}/settings/accounts/access/{membership.pk}/",
                                 {"restricted": "yes"})
    assert response.status_code == 400
    assert not AccountAccess.objects.exists()


def test_connect_page_shows_the_redirect_uri_and_setup_help(org, owner, login):
    page = login(owner).get(f"/o/{org.slug}/settings/accounts/connect/{KEY}/").content.decode()
    assert f"http://127.0.0.1:8000/connect/{KEY}/callback/" in page
    assert "FAKESOCIAL_CLIENT_ID" in page and "Test the setup" in page


@responses.activate
def test_check_setup_reports_the_platforms_answer(org, owner, login):
    responses.get(f"{BASE}/oauth/check", json={"ok": False, "problem": "Redirect URI unknown"})
    page = login(owner).post(f"/o/{org.slug}/settings/accounts/connect/{KEY}/check/",
                             HTTP_HX_REQUEST="true")
    assert b"Redirect URI unknown" in page.content


def test_app_credentials_are_stored_encrypted_and_never_shown(org, owner, login):
    from accounts.models import PlatformApp
    from accounts.services import platform_credentials

    client = login(owner)
    client.post(f"/o/{org.slug}/settings/accounts/connect/{KEY}/app/",
                {"client_id": "cid-1", "client_secret": SECRET})
    app = PlatformApp.objects.get(organization=org, provider=KEY)
    assert SECRET not in app.client_secret_encrypted
    assert platform_credentials(KEY, org).client_secret == SECRET
    page = client.get(f"/o/{org.slug}/settings/accounts/connect/{KEY}/").content
    assert b"cid-1" in page and SECRET.encode() not in page


def test_banner_shows_when_an_account_needs_reconnecting(org, owner, login):
    account = ConnectedAccountFactory(organization=org, provider=KEY, label="Broken brand",
                                      status=AccountStatus.NEEDS_RECONNECT)
    page = login(owner).get(f"/o/{org.slug}/settings/members/").content
    assert b"reconnect-banner" in page and account.name.encode() in page
    account.status = AccountStatus.ACTIVE
    account.save()
    assert b"reconnect-banner" not in login(owner).get(f"/o/{org.slug}/settings/members/").content


def test_expiry_date_shown_for_tokens_that_cannot_be_refreshed(org, owner, login):
    account = ConnectedAccountFactory(organization=org, provider=KEY)
    account.set_tokens(Tokens(access_token="a", expires_at=dt.datetime(2031, 5, 17, tzinfo=dt.UTC)))
    account.save()
    page = login(owner).get(f"/o/{org.slug}/settings/accounts/").content
    assert b"Connection ends" in page and b"2031" in page
    assert not mail.outbox
