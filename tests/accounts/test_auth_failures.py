"""Every platform's documented "this token is dead" answer makes the account "needs reconnect":
status, audit entry, an in-app notification and an e-mail to its admins and owners, the
banner — whichever path noticed it (here: a metrics run, the inbox poller, a reply).

The platforms are faked at the HTTP layer with recorded payloads (tests/fixtures/<platform>);
the sandbox runs for real.
"""

from __future__ import annotations

import json
from pathlib import Path
from unittest import mock

import pytest
import responses
from django.core import mail

from accounts.models import AccountStatus, AuditEntry, ConnectedAccount
from accounts.roles import Role
from accounts.services import account_mark_needs_reconnect
from analytics.models import MetricsSchedule
from analytics.services.collection import metrics_collect_account
from content.models import Notification
from inbox.models import SOURCE_INBOX, InboxCursor
from inbox.services.listening import inbox_poll_cursor
from inbox.services.polling import inbox_enqueue_due_polls
from platforms.base import Tokens
from tests.factories import ConnectedAccountFactory
from tests.platforms import mastodon_fake, x_fake
from tests.platforms.meta_harness import PAGE_ID, G

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LI_REST = "https://api.linkedin.com/rest"
LI_ORG = "urn:li:organization:2414183"
PDS = "http://127.0.0.1:2584"
DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"


def recorded(platform: str, name: str) -> dict:
    return json.loads((FIXTURES / platform / f"{name}.json").read_text())


@pytest.fixture(autouse=True)
def _platforms(settings, monkeypatch):
    settings.SSRF_ALLOW_LOOPBACK = True  # the Mastodon fake and the PDS are on 127.0.0.1
    settings.LINKEDIN_CLIENT_ID, settings.LINKEDIN_CLIENT_SECRET = "li-id", "li-secret"
    settings.META_APP_ID, settings.META_APP_SECRET = "meta-id", "meta-secret"
    monkeypatch.setenv("X_CLIENT_ID", "x-client-id")
    monkeypatch.setenv("X_CLIENT_SECRET", "x-client-secret-value")


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def people(org, owner, member_of):
    return {"owner": owner, "admin": member_of(Role.ADMIN), "editor": member_of(Role.EDITOR)}


def _account(org, provider: str, external_id: str, token: str, refresh: str = "", **settings):
    account = ConnectedAccountFactory(organization=org, provider=provider,
                                      external_id=external_id, handle=f"@{provider}-acme",
                                      settings=settings)
    account.set_tokens(Tokens(access_token=token, refresh_token=refresh))
    account.save()
    return account


def mastodon_html_400(rsps, org):
    mastodon_fake.add_invalid_bearer_token(rsps, responses.GET,
                                           "/api/v1/accounts/verify_credentials")
    account = mastodon_fake.make_account(organization=org)
    return account, "Invalid Bearer token"


def mastodon_401(rsps, org):
    rsps.add(responses.GET, f"{mastodon_fake.BASE}/api/v1/accounts/verify_credentials",
             status=401, json=mastodon_fake.fixture("error_invalid_token"))
    return mastodon_fake.make_account(organization=org), "The access token is invalid"


def x_89(rsps, org):
    rsps.add(responses.GET, f"{x_fake.API}/2/users/me", status=401,
             json=x_fake.fixture("error_89_invalid_token"))
    return x_fake.make_account(organization=org), "Invalid or expired token."


def linkedin_65601(rsps, org):
    rsps.add(responses.GET, f"{LI_REST}/networkSizes/urn%3Ali%3Aorganization%3A2414183",
             status=401, json=recorded("linkedin", "error_401_revoked"))
    account = _account(org, "linkedin", LI_ORG, "li-token-abc", author_urn=LI_ORG)
    return account, "revoked by the user"


def meta_190(rsps, org):
    rsps.add(responses.GET, f"{G}/{PAGE_ID}", status=400,
             json=recorded("meta", "error_190_expired"))
    return _account(org, "facebook", PAGE_ID, "page-token-1"), "Session has expired"


def bluesky_expired(rsps, org):
    rsps.add(responses.GET, f"{PDS}/xrpc/app.bsky.actor.getProfile", status=400,
             json=recorded("bluesky", "error_expired_token"))
    # The session cannot be renewed either: the refresh JWT is no longer valid.
    rsps.add(responses.POST, f"{PDS}/xrpc/com.atproto.server.refreshSession", status=400,
             json=recorded("bluesky", "error_invalid_token"))
    account = _account(org, "bluesky", DID, "old-access-jwt-secret-value",
                       "old-refresh-jwt-secret-value", did=DID, pds_url=PDS)
    return account, "Token could not be verified"


@pytest.mark.parametrize("arrange", [mastodon_html_400, mastodon_401, x_89, linkedin_65601,
                                     meta_190, bluesky_expired])
def test_a_dead_token_on_every_platform_asks_the_admins_to_reconnect(
        rsps, org, people, arrange, django_capture_on_commit_callbacks, login):
    account, platform_words = arrange(rsps, org)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = metrics_collect_account(account_id=account.pk)
    assert outcome.stopped == "auth_expired"
    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_RECONNECT
    assert account.needs_reconnect_since is not None
    assert platform_words in account.last_error  # the platform's own words, not redacted
    assert "[redacted]" not in account.last_error
    entry = AuditEntry.objects.get(organization=org, verb="accounts.account.needs_reconnect")
    assert entry.target_id == str(account.pk) and platform_words in entry.details["reason"]
    notified = set(Notification.objects.filter(
        organization=org, verb="accounts.account.needs_reconnect").values_list("user", flat=True))
    assert notified == {people["owner"].pk, people["admin"].pk}  # those who can reconnect
    [email] = mail.outbox
    assert set(email.to) == {people["owner"].email, people["admin"].email}
    assert account.name in email.subject
    # Nothing more is collected for it until it is reconnected: no retry loop.
    assert metrics_collect_account(account_id=account.pk).stopped == "not_usable"
    page = login(people["admin"]).get(f"/o/{org.slug}/notifications/").content.decode()
    assert "needs to be reconnected" in page and f"/o/{org.slug}/settings/accounts/" in page


def test_a_403_outside_the_scopes_is_a_refusal_not_a_dead_token(rsps, org, people):
    rsps.add(responses.GET, f"{mastodon_fake.BASE}/api/v1/accounts/verify_credentials",
             status=403, json={"error": "This action is outside the authorized scopes"})
    account = mastodon_fake.make_account(organization=org)
    assert metrics_collect_account(account_id=account.pk).stopped == "transient"
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE
    schedule = MetricsSchedule.objects.get(account=account)
    assert "outside the authorized scopes" in schedule.last_error


def test_the_inbox_poller_marks_the_account_and_stops_polling_it(
        rsps, org, people, django_capture_on_commit_callbacks, settings):
    settings.INBOX_POLL_INTERVAL_SECONDS = 60
    mastodon_fake.add_invalid_bearer_token(rsps, responses.GET, "/api/v1/notifications")
    account = mastodon_fake.make_account(organization=org)
    [cursor_id] = inbox_enqueue_due_polls_without_queue()
    with django_capture_on_commit_callbacks(execute=True):
        result = inbox_poll_cursor(cursor_id=cursor_id)
    assert result.outcome == "auth_expired"
    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_RECONNECT
    assert Notification.objects.filter(verb="accounts.account.needs_reconnect").count() == 2
    cursor = InboxCursor.objects.get(pk=cursor_id)
    assert cursor.backoff == 0 and not cursor.disabled  # waiting, not failing
    assert inbox_enqueue_due_polls_without_queue() == []  # not polled again until reconnected
    assert len(rsps.calls) == 1


def inbox_enqueue_due_polls_without_queue() -> list[int]:
    with mock.patch("inbox.services.polling.enqueue"):
        return inbox_enqueue_due_polls()


def test_the_sandbox_401_marks_the_account_from_an_inbox_poll(
        org, people, sandbox, connect_sandbox_account, django_capture_on_commit_callbacks):
    account = connect_sandbox_account(org, "brand_a")
    sandbox.expire_tokens(account.external_id, revoke_refresh=True)
    InboxCursor.objects.create(account=account, source=SOURCE_INBOX)
    cursor = InboxCursor.objects.get(account=account)
    with django_capture_on_commit_callbacks(execute=True):
        assert inbox_poll_cursor(cursor_id=cursor.pk).outcome == "auth_expired"
    account = ConnectedAccount.objects.get(pk=account.pk)
    assert account.status == AccountStatus.NEEDS_RECONNECT
    assert "The access token is invalid" in account.last_error
    assert Notification.objects.filter(verb="accounts.account.needs_reconnect").count() == 2


def test_the_banner_names_the_account_for_every_member(org, people, login):
    account = mastodon_fake.make_account(organization=org)
    account_mark_needs_reconnect(account=account, reason="Mastodon: Invalid Bearer token")
    page = login(people["editor"]).get(f"/o/{org.slug}/").content.decode()
    assert account.name in page and "reconnect" in page.lower()
