"""Keep credentials out of logs and messages, whatever a library decides to print.

Only what looks like a secret is replaced: a platform's own words stay readable, so
"Invalid Bearer token" (a server telling us the token is bad) is kept, while
"Bearer 9xK2…" (a token) is not. A value after `Bearer` counts as a token when it is
long (16+ characters; real tokens are 30 to several hundred) — no word people write is.
Named credential fields (`access_token=…`, `"refreshJwt": "…"`) are always redacted.
"""

import logging
import re

MIN_TOKEN_LENGTH = 16

_PATTERNS = [
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9\-._~+/]{" + str(MIN_TOKEN_LENGTH) + r",}=*"),
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
