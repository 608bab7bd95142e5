"""The behaviour every provider must show, run against each one.

How a provider plugs in
-----------------------
In `tests/platforms/test_<platform>.py`, write a harness that knows how to
make your fake platform (``responses`` at the HTTP layer, or a local server) answer
each scenario, and subclass the suite::

    from tests.platforms.conformance import Harness, ProviderConformance

    class MastodonHarness(Harness):
        def __init__(self, rsps): ...
        def make_account(self): ...            # a saved ConnectedAccount holding self.token
        def arrange_publish(self): ...         # the next publish succeeds
        def arrange_failure(self, kind): ...   # the next publish fails as `kind`
        ...

    class TestMastodonConformance(ProviderConformance):
        @pytest.fixture
        def harness(self, db):
            with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
                yield MastodonHarness(rsps)

The harness returns payloads shaped as the platform documents them, error shapes
included. A scenario the platform cannot have (no inbox, no metrics) is declared by
leaving the `arrange_*` method unimplemented: the base raises `NotSupportedHere`
and the suite then checks that the provider itself raises `NotSupported` for it.

Failure kinds passed to `arrange_failure(kind)`:
    "auth_expired"  the platform's expired/revoked-token answer      -> AuthExpired
    "rate_limited"  a 429 (or the platform's equivalent) saying
                    "retry after `RETRY_AFTER` seconds"              -> RateLimited(retry_after)
    "server_error"  a 5xx                                            -> Transient (not RateLimited)
    "rejected"      a content rejection; return the platform's
                    reason text, which must appear in `reason`       -> Rejected
    "malformed"     a 200 whose body does not have the documented
                    shape                                            -> Transient or Rejected
"""

from __future__ import annotations

import io

import pytest

from platforms.base import (
    AccountMetrics,
    InboxEntry,
    InboxPage,
    Limits,
    MediaFile,
    MetricValue,
    PostMetrics,
    Problem,
    Provider,
    PublishRequest,
    RemotePost,
)
from platforms.errors import (
    AuthExpired,
    NotSupported,
    ProviderError,
    RateLimited,
    Rejected,
    Transient,
)

FAILURE_KINDS = ("auth_expired", "rate_limited", "server_error", "rejected", "malformed")


class NotSupportedHere(Exception):
    """The harness's platform has no such scenario (the provider must raise NotSupported)."""


def png_bytes(width: int = 4, height: int = 3) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


class Harness:
    """What a provider's test module supplies. Override what the platform supports."""

    provider: Provider
    token: str = "conformance-secret-token-1234567890"
    RETRY_AFTER: int = 42

    def make_account(self):
        """A saved ConnectedAccount of this provider whose access token is `self.token`."""
        raise NotImplementedError

    def image(self, alt_text: str = "A red square on white") -> MediaFile:
        data = png_bytes()
        return MediaFile(filename="square.png", content_type="image/png", size=len(data),
                         alt_text=alt_text, width=4, height=3, open=lambda: io.BytesIO(data))

    # writing
    def arrange_limits(self) -> None:
        """Make the fake answer whatever `limits()` reads (instance configuration …)."""

    def arrange_publish(self) -> None:
        raise NotImplementedError

    def arrange_publish_with_media(self) -> None:
        self.arrange_publish()

    def received_alt_texts(self) -> list[str]:
        """Alt texts the fake platform received with the last media upload/post."""
        raise NotImplementedError

    def arrange_failure(self, kind: str) -> str:
        """Make the next publish fail as `kind`; return the platform's reason for "rejected"."""
        raise NotImplementedError

    def arrange_find_published(self, *, exists: bool) -> None:
        raise NotSupportedHere

    # conversations
    def arrange_inbox(self) -> None:
        raise NotSupportedHere

    def arrange_reply(self) -> str:
        """Make a reply succeed; return the remote id of the item being answered."""
        raise NotSupportedHere

    def received_reply_parent(self) -> str:
        """The parent/in-reply-to id the fake platform received with the reply."""
        raise NotImplementedError

    # analytics
    def arrange_account_metrics(self) -> None:
        raise NotSupportedHere

    def arrange_post_metrics(self) -> str:
        """Make post metrics answer; return the remote post id to ask about."""
        raise NotSupportedHere


class ProviderConformance:
    """Subclass with a `harness` fixture (see the module docstring)."""

    @pytest.fixture
    def harness(self) -> Harness:  # pragma: no cover - each subclass supplies its own
        raise NotImplementedError("define a `harness` fixture in the subclass")

    @pytest.fixture
    def account(self, harness):
        return harness.make_account()

    # --- writing ------------------------------------------------------------------------
    def test_limits_describe_the_platform(self, harness, account):
        harness.arrange_limits()
        limits = harness.provider.limits(account)
        assert isinstance(limits, Limits)
        assert limits.max_chars > 0
        assert limits.counting in {"chars", "graphemes", "weighted", "bytes_emoji", "mastodon",
                                   "codepoints", "bytes"}

    def test_publish_returns_remote_post_with_id_and_url(self, harness, account):
        harness.arrange_publish()
        post = harness.provider.publish(
            account, PublishRequest(text="Hello from the conformance suite",
                                    idempotency_key="conf-1"))
        assert isinstance(post, RemotePost)
        assert post.id and isinstance(post.id, str)
        assert post.url.startswith(("http://", "https://"))

    def test_publish_with_media_sends_alt_text(self, harness, account):
        harness.arrange_publish_with_media()
        media = harness.image(alt_text="A red square on white")
        post = harness.provider.publish(
            account, PublishRequest(text="With a picture", media=[media], idempotency_key="conf-2"))
        assert post.id
        assert "A red square on white" in harness.received_alt_texts()

    def test_validate_over_limit_text_is_too_long(self, harness, account):
        harness.arrange_limits()
        limits = harness.provider.limits(account)
        problems = harness.provider.validate(account, "a" * (limits.max_chars + 1), [])
        assert all(isinstance(p, Problem) for p in problems)
        assert "too_long" in {p.code for p in problems}
        at_limit = harness.provider.validate(account, "a" * limits.max_chars, [])
        assert "too_long" not in {p.code for p in at_limit}

    def test_expired_token_raises_auth_expired(self, harness, account):
        harness.arrange_failure("auth_expired")
        with pytest.raises(AuthExpired) as info:
            harness.provider.publish(account, PublishRequest(text="x", idempotency_key="c3"))
        self._assert_no_token(harness, info.value)

    def test_rate_limit_raises_rate_limited_with_retry_after(self, harness, account):
        harness.arrange_failure("rate_limited")
        with pytest.raises(RateLimited) as info:
            harness.provider.publish(account, PublishRequest(text="x", idempotency_key="c4"))
        assert info.value.retry_after == pytest.approx(harness.RETRY_AFTER, abs=2)
        self._assert_no_token(harness, info.value)

    def test_server_error_raises_transient(self, harness, account):
        harness.arrange_failure("server_error")
        with pytest.raises(Transient) as info:
            harness.provider.publish(account, PublishRequest(text="x", idempotency_key="c5"))
        assert not isinstance(info.value, RateLimited)
        self._assert_no_token(harness, info.value)

    def test_rejection_raises_rejected_with_platform_reason(self, harness, account):
        reason = harness.arrange_failure("rejected")
        with pytest.raises(Rejected) as info:
            harness.provider.publish(account, PublishRequest(text="x", idempotency_key="c6"))
        assert reason and reason in info.value.reason
        self._assert_no_token(harness, info.value)

    def test_malformed_answer_is_a_typed_error(self, harness, account):
        harness.arrange_failure("malformed")
        with pytest.raises((Transient, Rejected)) as info:
            harness.provider.publish(account, PublishRequest(text="x", idempotency_key="c7"))
        assert info.value.message
        self._assert_no_token(harness, info.value)

    def test_find_published_after_a_lost_response(self, harness, account):
        provider = harness.provider
        if not provider.supports_find_published:
            with pytest.raises(NotSupported):
                provider.find_published(account, PublishRequest(text="x", idempotency_key="c8"))
            return
        request = PublishRequest(text="Lost in transit", idempotency_key="conf-lost")
        harness.arrange_find_published(exists=True)
        found = provider.find_published(account, request)
        assert isinstance(found, RemotePost) and found.id
        harness.arrange_find_published(exists=False)
        assert provider.find_published(account, PublishRequest(
            text="Never sent", idempotency_key="conf-never")) is None

    # --- conversations --------------------------------------------------------------------
    def test_fetch_inbox_returns_entries_and_a_cursor(self, harness, account):
        try:
            harness.arrange_inbox()
        except NotSupportedHere:
            with pytest.raises(NotSupported):
                harness.provider.fetch_inbox(account, "")
            return
        page = harness.provider.fetch_inbox(account, "")
        assert isinstance(page, InboxPage)
        assert page.items and all(isinstance(e, InboxEntry) for e in page.items)
        assert all(e.remote_id and e.created_at.tzinfo is not None for e in page.items)
        assert isinstance(page.cursor, str) and page.cursor

    def test_reply_is_threaded_under_the_item(self, harness, account):
        try:
            parent_id = harness.arrange_reply()
        except NotSupportedHere:
            with pytest.raises(NotSupported):
                harness.provider.reply(account, "some-id", "Thanks!")
            return
        post = harness.provider.reply(account, parent_id, "Thanks for writing!",
                                      idempotency_key="conf-reply")
        assert isinstance(post, RemotePost) and post.id
        assert harness.received_reply_parent() == parent_id

    # --- analytics ------------------------------------------------------------------------
    def test_account_metrics_carry_their_source_field(self, harness, account):
        try:
            harness.arrange_account_metrics()
        except NotSupportedHere:
            with pytest.raises(NotSupported):
                harness.provider.fetch_account_metrics(account)
            return
        metrics = harness.provider.fetch_account_metrics(account)
        assert isinstance(metrics, AccountMetrics) and metrics.values
        assert all(isinstance(v, MetricValue) and v.source_field for v in metrics.values.values())

    def test_post_metrics_carry_their_source_field(self, harness, account):
        try:
            remote_id = harness.arrange_post_metrics()
        except NotSupportedHere:
            with pytest.raises(NotSupported):
                harness.provider.fetch_post_metrics(account, ["x"])
            return
        result = harness.provider.fetch_post_metrics(account, [remote_id])
        assert result and all(isinstance(m, PostMetrics) for m in result)
        assert result[0].remote_id == remote_id
        assert all(v.source_field for m in result for v in m.values.values())

    # --- helpers --------------------------------------------------------------------------
    @staticmethod
    def _assert_no_token(harness: Harness, error: ProviderError) -> None:
        text = " ".join([str(error), repr(error.args), getattr(error, "reason", "") or ""])
        assert harness.token not in text, "the access token leaked into an error message"
