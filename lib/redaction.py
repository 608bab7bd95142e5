"""Keep credentials out of logs, whatever a library decides to print."""

import logging
import re

# Bearer tokens, OAuth parameters and JSON token fields, as they appear in URLs, headers and bodies.
_PATTERNS = [
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9\-._~+/=]+"),
    re.compile(
        r"(?i)((?:access_token|refresh_token|accessJwt|refreshJwt|client_secret|password|"
        r"app_password|code_verifier|oauth_token)[\"']?\s*[:=]\s*[\"']?)[^\"'&\s,}]+"
    ),
]


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(r"\1[redacted]", text)
    return text


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is not ours to fix here
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
