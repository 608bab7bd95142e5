"""Bluesky against the real reference PDS (+ PLC directory and AppView) on loopback.

The network comes from tests/pds (npm @atproto/dev-env on a bundled Node 24). Accounts
are created over XRPC like any client would; the provider resolves their handles
through the local PLC directory and talks to the PDS it finds there. Failures that a
real server cannot be made to produce on demand (429, 5xx) are injected with
`responses` on top of the real server (every other request passes through).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
import responses

from accounts.models import AccountStatus
from accounts.services.connected_accounts import account_connect
from platforms.base import PublishRequest, Tokens
from platforms.bluesky import BlueskyProvider
from tests.pds.harness import Pds
from tests.platforms.conformance import Harness, ProviderConformance

DEV_ENV_JWT_SECRET = b"jwt-secret"  # @atproto/dev-env's fixed PDS JWT secret


def connect(pds: Pds, organization, user) -> object:
    result = BlueskyProvider().connect_complete(
        redirect_uri="", state={}, params={"identifier": user.handle,
                                           "password": user.app_password})
    return account_connect(organization=organization, provider_key="bluesky", result=result,
                           actor=None)


def expired_copy(token: str) -> str:
    """The same access JWT with `exp` in the past, re-signed like the dev PDS signs it."""
    header, payload, _sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["exp"] = int(time.time()) - 60
    claims["iat"] = int(time.time()) - 7200
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    signing_input = f"{header}.{body}".encode()
    signature = hmac.new(DEV_ENV_JWT_SECRET, signing_input, hashlib.sha256).digest()
    return f"{header}.{body}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


class PdsHarness(Harness):
    def __init__(self, pds: Pds, rsps: responses.RequestsMock, organization):
        self.pds, self.rsps, self.organization = pds, rsps, organization
        self.provider = BlueskyProvider()
        self.user = pds.shared_user("acme")
        self.other = pds.shared_user("bob")
        self.account = None

    def make_account(self):
        self.account = connect(self.pds, self.organization, self.user)
        self.token = self.account.get_access_token()
        return self.account

    def _records(self) -> list[dict]:
        data = self.pds.xrpc("GET", "com.atproto.repo.listRecords", params={
            "repo": self.user.did, "collection": "app.bsky.feed.post", "limit": 100})
        return data["records"]

    def arrange_publish(self):
        pass  # the real PDS

    def received_alt_texts(self):
        return [image["alt"] for record in self._records()
                for image in (record["value"].get("embed") or {}).get("images", [])]

    def arrange_failure(self, kind):
        url = f"{self.pds.url}/xrpc/com.atproto.repo.createRecord"
        if kind == "auth_expired":
            # Real answers: an expired access token, then a refresh token the PDS refuses.
            self.account.set_tokens(Tokens(access_token=expired_copy(self.token),
                                           refresh_token="not-a-valid-refresh-jwt"))
            self.account.save()
            return ""
        if kind == "rate_limited":
            self.rsps.add(responses.POST, url, status=429,
                          headers={"ratelimit-limit": "5000", "ratelimit-remaining": "0",
                                   "ratelimit-reset": str(int(time.time()) + self.RETRY_AFTER)},
                          json={"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"})
        elif kind == "server_error":
            self.rsps.add(responses.POST, url, status=500, json={
                "error": "InternalServerError", "message": "Internal Server Error"})
        elif kind == "rejected":
            reason = "Invalid app.bsky.feed.post record: Record/text must not be longer " \
                     "than 300 graphemes"
            self.rsps.add(responses.POST, url, status=400,
                          json={"error": "InvalidRequest", "message": reason})
            return reason
        elif kind == "malformed":
            self.rsps.add(responses.POST, url, json={"commit": {"rev": "x"}})
        return ""

    def arrange_find_published(self, *, exists):
        if exists:
            self.provider.publish(self.account, PublishRequest(text="Lost in transit",
                                                               idempotency_key="conf-lost"))

    def _require_appview(self):
        if not self.pds.network.has_appview:
            pytest.skip("the test network runs without the AppView (no PostgreSQL)")

    def arrange_inbox(self):
        self._require_appview()
        self.pds.post(self.other, {"$type": "app.bsky.feed.post", "text": "hi @x",
                                   "createdAt": _now(), "facets": [_mention(self.user.did)]})
        assert self.pds.wait_for(lambda: self.provider.fetch_inbox(self.account).items)

    def arrange_reply(self):
        created = self.pds.post(self.other, {"$type": "app.bsky.feed.post",
                                             "text": "Question for you", "createdAt": _now()})
        return created["uri"]

    def received_reply_parent(self):
        newest = max(self._records(), key=lambda r: r["value"]["createdAt"])
        return newest["value"]["reply"]["parent"]["uri"]

    def arrange_account_metrics(self):
        self._require_appview()
        assert self.pds.wait_for(
            lambda: self.provider.fetch_account_metrics(self.account).values)

    def arrange_post_metrics(self):
        self._require_appview()
        post = self.provider.publish(self.account, PublishRequest(text="Measure me"))
        assert self.pds.wait_for(lambda: self.provider.fetch_post_metrics(self.account,
                                                                          [post.id]))
        return post.id


def _now() -> str:
    # Millisecond precision like real clients: the AppView sorts notifications by the
    # earlier of createdAt and indexedAt, so a whole-second createdAt can sort a new
    # record before one indexed a moment ago.
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"


def _mention(did: str, start: int = 3, end: int = 5) -> dict:
    return {"index": {"byteStart": start, "byteEnd": end},
            "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}]}


@pytest.fixture
def rsps(pds):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru("http://localhost")
        mock.add_passthru("http://127.0.0.1")
        yield mock


class TestBlueskyConformance(ProviderConformance):
    @pytest.fixture
    def harness(self, pds, rsps, org):
        return PdsHarness(pds, rsps, org)

    def test_expired_token_raises_auth_expired(self, harness, account):
        super().test_expired_token_raises_auth_expired(harness, account)
        account.refresh_from_db()
        assert account.status == AccountStatus.NEEDS_RECONNECT
