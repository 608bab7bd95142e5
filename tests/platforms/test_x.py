"""X: the shared conformance suite against a fake API v2 shaped as X documents it."""

from __future__ import annotations

import time

import pytest
import responses

from platforms.x import XProvider
from tests.platforms import x_fake as fake
from tests.platforms.conformance import Harness, ProviderConformance


@pytest.fixture(autouse=True)
def _x_app(monkeypatch):
    monkeypatch.setenv("X_CLIENT_ID", "x-client-id")
    monkeypatch.setenv("X_CLIENT_SECRET", "x-client-secret-value")


class XHarness(Harness):
    token = fake.TOKEN

    def __init__(self, rsps: responses.RequestsMock):
        self.rsps = rsps
        self.provider = XProvider()
        self.provider.media_poll_interval = 0

    def make_account(self):
        return fake.make_account()

    def arrange_publish(self):
        self.rsps.add(responses.POST, f"{fake.API}/2/tweets", status=201,
                      json=fake.fixture("tweet_created"))

    def arrange_publish_with_media(self):
        self.rsps.add(responses.POST, f"{fake.API}/2/media/upload",
                      json=fake.fixture("media_upload"))
        self.rsps.add(responses.POST, f"{fake.API}/2/media/metadata",
                      json=fake.fixture("media_metadata"))
        self.arrange_publish()

    def received_alt_texts(self):
        return [fake.sent_json(c)["metadata"]["alt_text"]["text"] for c in self.rsps.calls
                if c.request.url.endswith("/2/media/metadata")]

    def arrange_failure(self, kind):
        url = f"{fake.API}/2/tweets"
        if kind == "auth_expired":
            self.rsps.add(responses.POST, url, status=401, json=fake.fixture("error_unauthorized"))
        elif kind == "rate_limited":
            reset = int(time.time()) + self.RETRY_AFTER
            self.rsps.add(responses.POST, url, status=429,
                          json=fake.fixture("error_rate_limited"),
                          headers={"x-rate-limit-limit": "100", "x-rate-limit-remaining": "0",
                                   "x-rate-limit-reset": str(reset)})
        elif kind == "server_error":
            self.rsps.add(responses.POST, url, status=503,
                          json=fake.fixture("error_service_unavailable"))
        elif kind == "rejected":
            body = fake.fixture("error_duplicate")
            self.rsps.add(responses.POST, url, status=403, json=body)
            return body["detail"]
        elif kind == "malformed":
            self.rsps.add(responses.POST, url, status=201, json={"data": {"text": "no id"}})
        return ""

    def arrange_find_published(self, *, exists):
        tweets = fake.fixture("user_tweets")
        if exists:
            tweets["data"][0]["text"] = "Lost in transit"
        self.rsps.upsert(responses.GET, f"{fake.API}/2/users/{fake.USER_ID}/tweets", json=tweets)

    def arrange_inbox(self):
        self.rsps.add(responses.GET, f"{fake.API}/2/users/{fake.USER_ID}/mentions",
                      json=fake.fixture("mentions"))

    def arrange_reply(self):
        self.arrange_publish()
        return "1445880900000000002"

    def received_reply_parent(self):
        posts = [c for c in self.rsps.calls if c.request.url.endswith("/2/tweets")]
        return fake.sent_json(posts[-1])["reply"]["in_reply_to_tweet_id"]

    def arrange_account_metrics(self):
        self.rsps.add(responses.GET, f"{fake.API}/2/users/me", json=fake.fixture("users_me"))

    def arrange_post_metrics(self):
        self.rsps.add(responses.GET, f"{fake.API}/2/tweets", json=fake.fixture("tweets_lookup"))
        return "1445880548472328192"


class TestXConformance(ProviderConformance):
    @pytest.fixture
    def harness(self, db):
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            yield XHarness(rsps)
