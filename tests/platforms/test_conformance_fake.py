"""The conformance suite run against the test-only Fake Social provider (checks the suite)."""

import json

import pytest
import responses

from platforms.base import Tokens
from tests.factories import ConnectedAccountFactory
from tests.platforms.conformance import Harness, ProviderConformance
from tests.platforms.fakeplatform import BASE, KEY, FakeProvider


class FakeHarness(Harness):
    def __init__(self, rsps: responses.RequestsMock):
        self.rsps = rsps
        self.provider = FakeProvider()

    def make_account(self):
        account = ConnectedAccountFactory(provider=KEY)
        account.set_tokens(Tokens(access_token=self.token, refresh_token="r-token"))
        account.save()
        return account

    def arrange_publish(self):
        self.rsps.add(responses.POST, f"{BASE}/api/posts",
                      json={"id": "1001", "url": f"{BASE}/p/1001"})

    def arrange_publish_with_media(self):
        self.rsps.add(responses.POST, f"{BASE}/api/media", json={"id": "m1"})
        self.arrange_publish()

    def received_alt_texts(self):
        bodies = [c.request.body for c in self.rsps.calls if c.request.url.endswith("/api/media")]
        return ["A red square on white" for b in bodies if b"A red square on white" in b]

    def arrange_failure(self, kind):
        url = f"{BASE}/api/posts"
        if kind == "auth_expired":
            self.rsps.add(responses.POST, url, status=401,
                          json={"error": "invalid_token", "error_description": "Token expired"})
        elif kind == "rate_limited":
            self.rsps.add(responses.POST, url, status=429, json={"error": "slow down"},
                          headers={"Retry-After": str(self.RETRY_AFTER)})
        elif kind == "server_error":
            self.rsps.add(responses.POST, url, status=503, body="<html>down</html>")
        elif kind == "rejected":
            self.rsps.add(responses.POST, url, status=422,
                          json={"error": "Validation failed: Text is a duplicate"})
            return "Text is a duplicate"
        elif kind == "malformed":
            self.rsps.add(responses.POST, url, json={"unexpected": True})
        return ""

    def arrange_find_published(self, *, exists):
        self.rsps.upsert(responses.GET, f"{BASE}/api/posts", json={
            "items": [{"id": "1001", "url": f"{BASE}/p/1001"}] if exists else []})

    def arrange_inbox(self):
        self.rsps.add(responses.GET, f"{BASE}/api/notifications", json={"items": [{
            "id": 5, "type": "mention", "author": {"handle": "@fan"}, "text": "hi",
            "url": f"{BASE}/p/5", "created_at": "2026-01-02T03:04:05+00:00"}], "next": "5"})

    def arrange_reply(self):
        self.arrange_publish()
        return "5"

    def received_reply_parent(self):
        return json.loads(self.rsps.calls[-1].request.body)["reply_to"]

    def arrange_account_metrics(self):
        self.rsps.add(responses.GET, f"{BASE}/api/me", json={"id": "42", "handle": "@b",
                                                             "followers_count": 12})

    def arrange_post_metrics(self):
        self.rsps.add(responses.GET, f"{BASE}/api/posts/1001", json={"like_count": 3})
        return "1001"


class TestFakeProviderConformance(ProviderConformance):
    @pytest.fixture
    def harness(self, db):
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            yield FakeHarness(rsps)
