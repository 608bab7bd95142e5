"""The sandbox provider passes the shared conformance suite against a real sandbox server.

No fakes: the server runs on loopback (tests/sandbox/fixtures.py) and every scenario is
arranged through its knobs, scripted faults and injected activity.
"""

from __future__ import annotations

import pytest

from platforms.base import PublishRequest
from platforms.errors import Transient
from platforms.registry import get_provider
from sandbox.control import ROUTE_STATUSES, SandboxControl
from tests.platforms.conformance import Harness, ProviderConformance

REJECTION = "Validation failed: Text character limit of 500 exceeded"


class SandboxHarness(Harness):
    def __init__(self, control: SandboxControl, connect, organization):
        self.control = control
        self.connect = connect
        self.organization = organization
        self.provider = get_provider("sandbox")
        self.account = None

    def make_account(self):
        self.account = self.connect(self.organization, "conformance", display_name="Conf")
        self.token = self.account.get_access_token()
        return self.account

    @property
    def account_id(self) -> str:
        return self.account.settings["account_id"]

    def _statuses(self) -> list[dict]:
        return self.control.statuses(self.account_id, self.token)

    def arrange_publish(self):
        pass

    def received_alt_texts(self):
        return [m["description"] for s in self._statuses() for m in s["media_attachments"]]

    def arrange_failure(self, kind):
        fault = {"auth_expired": None,
                 "rate_limited": {"fault": "rate_limited", "retry_after": self.RETRY_AFTER},
                 "server_error": {"fault": "error", "status": 503},
                 "rejected": {"fault": "reject", "status": 422, "message": REJECTION},
                 "malformed": {"fault": "malformed"}}[kind]
        if fault is None:
            self.control.expire_tokens(self.account_id)
        else:
            self.control.faults({"route": ROUTE_STATUSES, **fault})
        return REJECTION if kind == "rejected" else ""

    def arrange_find_published(self, *, exists):
        if exists:  # the post goes out, but its answer is lost on the way back
            self.control.faults({"route": ROUTE_STATUSES, "fault": "lost"})
            with pytest.raises(Transient):
                self.provider.publish(self.account, PublishRequest(
                    text="Lost in transit", idempotency_key="conf-lost"))

    def arrange_inbox(self):
        self.control.inject(self.account_id, "mention", text="Hello there",
                            author="lena@fediverse.example")

    def arrange_reply(self):
        note = self.control.inject(self.account_id, "mention", text="Question?",
                                   author="marco@social.example")
        return note["status"]["id"]

    def received_reply_parent(self):
        return self._statuses()[0]["in_reply_to_id"]

    def arrange_account_metrics(self):
        pass

    def arrange_post_metrics(self):
        return self.provider.publish(self.account, PublishRequest(text="Count me")).id


class TestSandboxConformance(ProviderConformance):
    @pytest.fixture
    def harness(self, sandbox, connect_sandbox_account, org):
        return SandboxHarness(sandbox, connect_sandbox_account, org)


def test_a_threads_shaped_account_has_threads_limits(connect_sandbox_account, org):
    account = connect_sandbox_account(org, "acme_threads", shape="threads")
    provider = get_provider("sandbox")
    limits = provider.limits(account)
    assert (limits.max_chars, limits.counting, limits.max_media) == (500, "bytes_emoji", 20)
    assert limits.mixed_media_allowed and limits.url_length is None
    assert provider.platform_label(account) == "Sandbox (like Threads)"
    assert "too_long" in {p.code for p in provider.validate(account, "a" * 497 + "🎄", [])}
