"""Mastodon: the shared conformance suite against a fake server speaking the documented API."""

from __future__ import annotations

import pytest
import responses

from platforms.mastodon import MastodonProvider
from tests.platforms import mastodon_fake as fake
from tests.platforms.conformance import Harness, ProviderConformance


@pytest.fixture(autouse=True)
def _mastodon_settings(settings):
    settings.SSRF_ALLOW_LOOPBACK = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "mastodon-tests"}}
    from django.core.cache import cache

    cache.clear()


class MastodonHarness(Harness):
    token = fake.TOKEN

    def __init__(self, rsps: responses.RequestsMock):
        self.rsps = rsps
        self.provider = MastodonProvider()
        self.provider.media_poll_interval = 0

    def make_account(self):
        return fake.make_account()

    def arrange_limits(self):
        fake.add_instance(self.rsps)

    def arrange_publish(self):
        fake.add_status_created(self.rsps)

    def arrange_publish_with_media(self):
        self.rsps.add(responses.POST, f"{fake.BASE}/api/v2/media",
                      json=fake.fixture("media_processed"))
        fake.add_status_created(self.rsps)

    def received_alt_texts(self):
        texts = []
        for call in self.rsps.calls:
            if call.request.url.endswith("/api/v2/media"):
                body = call.request.body
                body = body if isinstance(body, bytes) else body.read()
                marker = b'name="description"\r\n\r\n'
                start = body.index(marker) + len(marker)
                texts.append(body[start:body.index(b"\r\n", start)].decode())
        return texts

    def arrange_failure(self, kind):
        url = f"{fake.BASE}/api/v1/statuses"
        if kind == "auth_expired":
            self.rsps.add(responses.POST, url, status=401,
                          json=fake.fixture("error_invalid_token"))
        elif kind == "rate_limited":
            import datetime as dt

            reset = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=self.RETRY_AFTER)
            self.rsps.add(responses.POST, url, status=429,
                          json=fake.fixture("error_rate_limited"),
                          headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
                                   "X-RateLimit-Reset": reset.isoformat().replace("+00:00",
                                                                                   "Z")})
        elif kind == "server_error":
            self.rsps.add(responses.POST, url, status=503, body="<html>Bad gateway</html>")
        elif kind == "rejected":
            body = fake.fixture("error_validation_too_long")
            self.rsps.add(responses.POST, url, status=422, json=body)
            return body["error"]
        elif kind == "malformed":
            self.rsps.add(responses.POST, url, json={"unexpected": True})
        return ""

    def arrange_find_published(self, *, exists):
        statuses = fake.fixture("account_statuses")
        if exists:
            statuses[0]["content"] = "<p>Lost in transit</p>"
        self.rsps.upsert(responses.GET,
                         f"{fake.BASE}/api/v1/accounts/{fake.ACCOUNT_ID}/statuses",
                         json=statuses)

    def arrange_inbox(self):
        self.rsps.add(responses.GET, f"{fake.BASE}/api/v1/notifications",
                      json=fake.fixture("notifications_mentions"))

    def arrange_reply(self):
        mention = fake.fixture("notifications_mentions")[0]["status"]
        self.rsps.add(responses.GET, f"{fake.BASE}/api/v1/statuses/{mention['id']}",
                      json=mention)
        fake.add_status_created(self.rsps, in_reply_to_id=mention["id"])
        return mention["id"]

    def received_reply_parent(self):
        posts = [c for c in self.rsps.calls if c.request.method == "POST"]
        return fake.sent_json(posts[-1])["in_reply_to_id"]

    def arrange_account_metrics(self):
        self.rsps.add(responses.GET, f"{fake.BASE}/api/v1/accounts/verify_credentials",
                      json=fake.fixture("verify_credentials"))

    def arrange_post_metrics(self):
        status = fake.fixture("account_statuses")[0]
        self.rsps.add(responses.GET, f"{fake.BASE}/api/v1/statuses/{status['id']}",
                      json=status)
        return status["id"]


class TestMastodonConformance(ProviderConformance):
    @pytest.fixture
    def harness(self, db):
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            yield MastodonHarness(rsps)
