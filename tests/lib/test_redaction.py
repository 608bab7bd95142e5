"""Secrets are redacted; a platform's own words about them are not."""

import logging

import pytest

from lib.redaction import RedactSecretsFilter, redact


@pytest.mark.parametrize("text", [
    "Invalid Bearer token",
    "Mastodon: authorisation expired or revoked (Invalid Bearer token)",
    "bearer token missing",
    "The access token is invalid",
    "Bearer realm=\"Doorkeeper\"",
])
def test_a_platforms_wording_is_kept(text):
    assert redact(text) == text


@pytest.mark.parametrize(("text", "secret"), [
    ("Authorization: Bearer ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0", "ZA-Yj3aBD8U8Cm7lKUp"),
    ("header was bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", "eyJhbGci"),
    ("GET /api?access_token=short1&x=1", "short1"),
    ('{"refreshJwt": "abc"}', "abc"),
])
def test_secrets_are_redacted(text, secret):
    cleaned = redact(text)
    assert secret not in cleaned and "[redacted]" in cleaned


def test_the_log_filter_redacts_tokens_and_keeps_words(caplog):
    logger = logging.getLogger("tests.redaction")
    logger.addFilter(RedactSecretsFilter())
    with caplog.at_level(logging.INFO, logger="tests.redaction"):
        logger.info("sent %s", "Bearer 0123456789abcdefghijKLMNOP")
        logger.info("server said: %s", "Invalid Bearer token")
    assert "0123456789abcdefghij" not in caplog.text
    assert "Invalid Bearer token" in caplog.text
