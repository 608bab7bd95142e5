"""Connected-account services, token lifecycle tasks, crypto and key rotation."""

import datetime as dt
import logging

import pytest
import responses
from cryptography.fernet import Fernet
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AccountStatus, AuditEntry, ConnectedAccount, PlatformApp
from accounts.roles import Role
from accounts.selectors import accounts_for_member
from accounts.services import (
    ServiceError,
    account_access_set,
    account_became_usable,
    account_connect,
    account_disconnect,
    account_mark_needs_reconnect,
    account_reconnected,
    platform_credentials,
)
from accounts.tasks import refresh_expiring_tokens, send_expiry_reminders
from lib import crypto
from platforms.base import ConnectResult, RemoteAccount, Tokens
from tests.factories import ConnectedAccountFactory, MembershipFactory
from tests.platforms.fakeplatform import (
    BASE,
    KEY,
    add_token_endpoint,
    fake_provider,  # noqa: F401 (fixture)
)

SECRET = "tok-VERY-SECRET-value-1a2b3c4d5e6f"


def result(external_id="ext-1", access=SECRET, refresh="", expires_at=None):
    return ConnectResult(RemoteAccount(external_id, "@brand", "Brand", ""),
                         Tokens(access, refresh, expires_at))


# --- crypto ---------------------------------------------------------------------------------

def test_tokens_round_trip_encrypted(settings):
    settings.TOKEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    stored = crypto.encrypt(SECRET)
    assert SECRET not in stored and crypto.decrypt(stored) == SECRET
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""


def test_old_keys_still_decrypt_and_rotation_reencrypts_with_the_first(settings, org):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.TOKEN_ENCRYPTION_KEYS = [old]
    account = ConnectedAccountFactory(organization=org)
    account.set_tokens(Tokens(SECRET, "refresh-secret"))
    account.save()
    app = PlatformApp.objects.create(provider="x", client_id="cid")
    app.set_client_secret("app-secret")
    app.save()
    settings.TOKEN_ENCRYPTION_KEYS = [new, old]
    account.refresh_from_db()
    assert account.get_access_token() == SECRET  # old key still decrypts
    call_command("rotate_token_keys")
    settings.TOKEN_ENCRYPTION_KEYS = [new]  # old key gone: everything must use the new one
    account.refresh_from_db()
    app.refresh_from_db()
    assert account.get_access_token() == SECRET
    assert account.get_refresh_token() == "refresh-secret"
    assert app.get_client_secret() == "app-secret"


def test_unknown_key_cannot_decrypt(settings):
    settings.TOKEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    stored = crypto.encrypt(SECRET)
    settings.TOKEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(stored)


def test_production_without_keys_is_improperly_configured(settings):
    settings.TOKEN_ENCRYPTION_KEYS = []
    settings.DEBUG = False
    settings.TESTING = False
    with pytest.raises(ImproperlyConfigured, match="TOKEN_ENCRYPTION_KEYS"):
        crypto.encrypt("x")


def test_dev_falls_back_to_the_key_file(settings, tmp_path):
    settings.TOKEN_ENCRYPTION_KEYS = []
    settings.VAR_DIR = tmp_path
    assert crypto.decrypt(crypto.encrypt(SECRET)) == SECRET
    assert (tmp_path / "token_encryption_keys").exists()


def test_invalid_key_is_a_clear_configuration_error(settings):
    settings.TOKEN_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    with pytest.raises(ImproperlyConfigured, match="not a valid Fernet key"):
        crypto.encrypt("x")


# --- connect / reconnect --------------------------------------------------------------------

def test_connect_creates_an_audited_account_with_encrypted_tokens(org, owner):
    account = account_connect(organization=org, provider_key=KEY, result=result(), actor=owner)
    assert account.get_access_token() == SECRET
    assert SECRET not in account.access_token_encrypted
    assert SECRET not in repr(account) and SECRET not in str(account)
    entry = AuditEntry.objects.get(verb="accounts.account.connected")
    assert SECRET not in str(entry.details)


def test_connecting_the_same_account_twice_is_refused(org, owner):
    account_connect(organization=org, provider_key=KEY, result=result(), actor=owner)
    with pytest.raises(ServiceError, match="already connected"):
        account_connect(organization=org, provider_key=KEY, result=result(), actor=owner)


def test_another_organisation_may_connect_the_same_account(org, other_org, owner, outsider):
    account_connect(organization=org, provider_key=KEY, result=result(), actor=owner)
    account_connect(organization=other_org, provider_key=KEY, result=result(), actor=outsider)
    assert ConnectedAccount.objects.filter(external_id="ext-1").count() == 2


def test_connecting_a_disconnected_account_again_restores_its_row(org, owner):
    first = account_connect(organization=org, provider_key=KEY, result=result(), actor=owner)
    account_disconnect(account=first, actor=owner)
    assert first.get_access_token() == ""  # tokens wiped on disconnect
    again = account_connect(organization=org, provider_key=KEY, result=result(), actor=owner)
    assert again.pk == first.pk and again.is_usable


def test_reconnect_never_drops_a_stored_refresh_token(org, owner):
    account = account_connect(organization=org, provider_key=KEY,
                              result=result(refresh="r-1"), actor=owner)
    account_mark_needs_reconnect(account=account, reason="token revoked")
    account_reconnected(account=account, result=result(access="a-2", refresh=""), actor=owner)
    account.refresh_from_db()
    assert account.get_access_token() == "a-2" and account.get_refresh_token() == "r-1"
    assert account.status == AccountStatus.ACTIVE and account.last_error == ""


def test_reconnect_resumes_paused_work(org, owner, django_capture_on_commit_callbacks):
    account = account_connect(organization=org, provider_key=KEY, result=result(), actor=owner)
    account_mark_needs_reconnect(account=account, reason="expired")
    resumed = []
    account_became_usable.connect(lambda sender, account, **kw: resumed.append(account.pk),
                                  weak=False, dispatch_uid="test-resume")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            account_reconnected(account=account, result=result(), actor=owner)
    finally:
        account_became_usable.disconnect(dispatch_uid="test-resume")
    assert resumed == [account.pk]


def test_mark_needs_reconnect_emails_admins_once_and_pauses(org, owner, member_of,
                                                            django_capture_on_commit_callbacks):
    admin = member_of(Role.ADMIN)
    editor = member_of(Role.EDITOR)
    account = ConnectedAccountFactory(organization=org)
    with django_capture_on_commit_callbacks(execute=True):
        assert account_mark_needs_reconnect(account=account, reason="Token revoked by user")
    with django_capture_on_commit_callbacks(execute=True):
        assert not account_mark_needs_reconnect(account=account, reason="again")
    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_RECONNECT and not account.is_usable
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {owner.email, admin.email}
    assert editor.email not in mail.outbox[0].to
    assert "/settings/accounts/" in mail.outbox[0].body
    assert not ConnectedAccount.objects.usable().filter(pk=account.pk).exists()


# --- access restrictions ----------------------------------------------------------------------

def test_accounts_for_member_respects_restrictions(org, owner):
    a = ConnectedAccountFactory(organization=org)
    b = ConnectedAccountFactory(organization=org)
    editor = MembershipFactory(organization=org, role=Role.EDITOR)
    admin = MembershipFactory(organization=org, role=Role.ADMIN)
    assert set(accounts_for_member(editor)) == {a, b}
    account_access_set(membership=editor, account_ids=[a.pk], actor=owner)
    assert list(accounts_for_member(editor)) == [a]
    assert set(accounts_for_member(admin)) == {a, b}
    account_access_set(membership=editor, account_ids=[], actor=owner)
    assert set(accounts_for_member(editor)) == {a, b}


def test_access_cannot_name_another_orgs_account(org, other_org, owner):
    foreign = ConnectedAccountFactory(organization=other_org)
    editor = MembershipFactory(organization=org, role=Role.EDITOR)
    with pytest.raises(ServiceError):
        account_access_set(membership=editor, account_ids=[foreign.pk], actor=owner)


# --- credentials ---------------------------------------------------------------------------

def test_platform_credentials_prefer_org_then_installation_then_env(org, monkeypatch):
    monkeypatch.setenv("X_CLIENT_ID", "env-id")
    monkeypatch.setenv("X_CLIENT_SECRET", "env-secret")
    assert platform_credentials("x", org).source == "env"
    app = PlatformApp.objects.create(provider="x", client_id="inst-id")
    app.set_client_secret("inst-secret")
    app.save()
    assert platform_credentials("x", org).client_id == "inst-id"
    PlatformApp.objects.create(organization=org, provider="x", client_id="org-id")
    creds = platform_credentials("x", org)
    assert creds.client_id == "org-id" and creds.source == "organization"
    assert "secret" not in repr(creds)
    assert platform_credentials("linkedin", org) is None


# --- token lifecycle tasks ----------------------------------------------------------------------

@pytest.mark.usefixtures("fake_provider")
@responses.activate
def test_refresh_task_renews_tokens_that_expire_soon(org, django_capture_on_commit_callbacks):
    soon = ConnectedAccountFactory(organization=org, provider=KEY)
    soon.set_tokens(Tokens("old", "refresh-1", timezone.now() + dt.timedelta(minutes=10)))
    soon.save()
    later = ConnectedAccountFactory(organization=org, provider=KEY)
    later.set_tokens(Tokens("keep", "refresh-2", timezone.now() + dt.timedelta(days=2)))
    later.save()
    add_token_endpoint(responses, access="new-access", refresh="")
    with django_capture_on_commit_callbacks(execute=True):
        assert refresh_expiring_tokens() == 1
    soon.refresh_from_db()
    later.refresh_from_db()
    assert soon.get_access_token() == "new-access"
    assert soon.get_refresh_token() == "refresh-1"  # kept: the platform sent none
    assert soon.token_expires_at > timezone.now() + dt.timedelta(hours=1)
    assert later.get_access_token() == "keep"
    assert "refresh_token=refresh-1" in responses.calls[0].request.body


@pytest.mark.usefixtures("fake_provider")
@responses.activate
def test_refused_refresh_marks_the_account_for_reconnecting(org, owner, caplog,
                                                            django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    account = ConnectedAccountFactory(organization=org, provider=KEY)
    account.set_tokens(Tokens(SECRET, "dead-refresh", timezone.now() + dt.timedelta(minutes=5)))
    account.save()
    responses.post(f"{BASE}/oauth/token", status=401,
                   json={"error": "invalid_grant", "error_description": "Refresh token revoked"})
    with django_capture_on_commit_callbacks(execute=True):
        refresh_expiring_tokens()
    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_RECONNECT
    assert "revoked" in account.last_error
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert SECRET not in logged and "dead-refresh" not in logged


def test_expiry_reminders_are_sent_7_and_1_days_before_once_each(org, owner):
    account = ConnectedAccountFactory(organization=org)
    account.set_tokens(Tokens("long-lived", "", timezone.now() + dt.timedelta(days=6)))
    account.save()
    refreshable = ConnectedAccountFactory(organization=org)
    refreshable.set_tokens(Tokens("a", "r", timezone.now() + dt.timedelta(days=6)))
    refreshable.save()
    assert send_expiry_reminders() == 1
    assert send_expiry_reminders() == 0
    assert "6 days" in mail.outbox[0].subject or "7 days" in mail.outbox[0].subject
    ConnectedAccount.objects.filter(pk=account.pk).update(
        token_expires_at=timezone.now() + dt.timedelta(hours=20))
    assert send_expiry_reminders() == 1
    assert "tomorrow" in mail.outbox[1].subject
    assert send_expiry_reminders() == 0
    assert len(mail.outbox) == 2
