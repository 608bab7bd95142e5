"""The one HTTP helper every connector uses.

It owns what must be the same for every platform: timeouts, a User-Agent, mapping
responses to the typed errors in `platforms.errors`, reading JSON safely
and never putting a token into a log line or an exception message.

    client = HttpClient("Mastodon")
    data = client.json("GET", f"{base}/api/v1/accounts/verify_credentials", token=token)
    account_id = pick(data, "id", str, what="Mastodon account")

Platforms that signal an expired token or a rejection in their own way plug in
through `HttpClient(is_auth_expired=..., reason_from_body=...)` or a subclass.
The SSRF guard for URLs that users type in lives in `lib.netguard`
and is re-exported here (`safe_public_url`, `guarded_get`).
"""

from __future__ import annotations

import email.utils
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

import requests

from lib.netguard import UnsafeURL, guarded_get, safe_public_url, user_agent
from lib.redaction import redact
from platforms.errors import AuthExpired, RateLimited, Rejected, Transient

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (5.0, 20.0)  # (connect, read) seconds
MAX_REASON_LENGTH = 500
# Connections kept per host. Provider instances are reused by the publishing pipeline and
# called from many threads at once (settings.PUBLISH_CALL_THREADS): with requests' default
# of 10, the rest would open and drop a TCP/TLS connection on every call.
POOL_MAXSIZE = 64
RESET_HEADERS = ("x-rate-limit-reset", "ratelimit-reset", "x-ratelimit-reset")
REMAINING_HEADERS = ("x-rate-limit-remaining", "ratelimit-remaining", "x-ratelimit-remaining")
# What the last successful answer on this thread said about the quota (see `quota_wait`).
_quota = threading.local()

__all__ = [
    "DEFAULT_TIMEOUT",
    "HttpClient",
    "UnsafeURL",
    "guarded_get",
    "parse_retry_after",
    "pick",
    "quota_wait",
    "reason_from_body",
    "request",
    "safe_public_url",
    "user_agent",
]


def parse_retry_after(headers, *, now: float | None = None) -> float | None:
    """Seconds to wait, from `Retry-After` (seconds or HTTP-date) or a reset-epoch header.

    `ratelimit-reset` is seconds-from-now in the IETF draft but an epoch on some
    platforms; a value bigger than a day is read as an epoch.
    """
    now = time.time() if now is None else now
    value = (headers.get("Retry-After") or "").strip()
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(value) if _is_http_date(value) else None
            if parsed is not None:
                return max(0.0, parsed.timestamp() - now)
    for name in RESET_HEADERS:
        raw = (headers.get(name) or "").strip()
        try:
            number = float(raw)
        except ValueError:
            # Mastodon sends an ISO-8601 timestamp (`2026-11-28T10:20:00.123456Z`).
            moment = _iso_timestamp(raw)
            if moment is None:
                continue
            return max(0.0, moment - now)
        return max(0.0, number - now) if number > 86400 else max(0.0, number)
    return None


def note_quota(headers) -> None:
    """Remember whether this answer used up the quota (`…-Remaining: 0`) and for how long."""
    for name in REMAINING_HEADERS:
        raw = (headers.get(name) or "").strip()
        try:
            remaining = float(raw)
        except ValueError:
            continue
        wait = parse_retry_after(headers) if remaining <= 0 else None
        _quota.wait_until = time.time() + wait if wait else None
        return


def quota_wait() -> float | None:
    """Seconds until the quota the last successful answer on this thread used up comes back
    (None: not used up, or the platform does not say). Callers that plan their own next
    call — the inbox poller — wait for it instead of running into a 429."""
    until = getattr(_quota, "wait_until", None)
    if until is None:
        return None
    return max(0.0, until - time.time()) or None


def reset_quota() -> None:
    _quota.wait_until = None


def _iso_timestamp(value: str) -> float | None:
    import datetime as dt

    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.timestamp()


def _is_http_date(value: str) -> bool:
    try:
        return email.utils.parsedate_to_datetime(value) is not None
    except (TypeError, ValueError, IndexError):
        return False


def reason_from_body(body: Any) -> str:
    """A readable reason from the usual error shapes (`error`, `error_description`, `message` …)."""
    if isinstance(body, str):
        return body.strip()[:MAX_REASON_LENGTH]
    if isinstance(body, list) and body:
        return reason_from_body(body[0])
    if not isinstance(body, dict):
        return ""
    parts: list[str] = []
    for key in ("error_description", "message", "detail", "title", "error", "error_message"):
        value = body.get(key)
        if isinstance(value, dict | list):
            value = reason_from_body(value)
        if isinstance(value, str) and value.strip() and value.strip() not in parts:
            parts.append(value.strip())
    if not parts and isinstance(body.get("errors"), list):
        parts.append(reason_from_body(body["errors"]))
    return ": ".join(p for p in parts[:2] if p)[:MAX_REASON_LENGTH]


def pick(data: Any, key: str, kind: type | tuple[type, ...] = str, *, what: str = "response",
         default: Any = ..., error: type = Transient) -> Any:
    """`data[key]` checked to be `kind`; a missing or wrong field is a typed error, never KeyError.

    A dotted key walks nested objects: `pick(data, "data.id")`.
    """
    current = data
    for part in key.split("."):
        if not isinstance(current, dict) or part not in current:
            if default is not ...:
                return default
            raise error(f"unexpected {what}: field '{key}' is missing")
        current = current[part]
    if not isinstance(current, kind) or (kind is int and isinstance(current, bool)):
        if default is not ... and current is None:
            return default
        raise error(f"unexpected {what}: field '{key}' has the wrong type")
    return current


def _where(url: str) -> str:
    """Host and path only: query strings may carry tokens."""
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}"


class HttpClient:
    """A requests.Session with the platform's error mapping. One per provider module is fine."""

    def __init__(
        self,
        platform: str,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        is_auth_expired: Callable[[requests.Response, Any], bool] | None = None,
        reason_from_body: Callable[[Any], str] | None = None,
        session: requests.Session | None = None,
    ):
        self.platform = platform
        self.timeout = timeout
        self._is_auth_expired = is_auth_expired
        self._reason = reason_from_body or globals()["reason_from_body"]
        self.session = session or pooled_session()

    # --- hooks a provider may override ------------------------------------------------
    def is_auth_expired(self, response: requests.Response, body: Any) -> bool:
        if response.status_code == 401:
            return True
        return bool(self._is_auth_expired and self._is_auth_expired(response, body))

    def reason(self, response: requests.Response, body: Any) -> str:
        return self._reason(body) or f"HTTP {response.status_code}"

    # --- calls ------------------------------------------------------------------------
    def request(self, method: str, url: str, *, token: str | None = None,
                auth_scheme: str = "Bearer", headers: dict | None = None,
                ok: Iterable[int] = (), timeout: tuple[float, float] | None = None,
                secrets: Iterable[str] = (), **kwargs) -> requests.Response:
        """Send one request; return the response when it succeeded (2xx or a status in `ok`).

        Anything else raises AuthExpired, RateLimited, Transient or Rejected. Extra
        keyword arguments (params, json, data, files, allow_redirects) go to requests.
        `secrets` are further values (a token sent as a parameter, an app secret) that an
        error message must never repeat.
        """
        all_headers = {"User-Agent": user_agent(), "Accept": "application/json"}
        if token:
            all_headers["Authorization"] = f"{auth_scheme} {token}"
        all_headers.update(headers or {})
        secrets = [*([token] if token else []), *(s for s in secrets if s)]
        try:
            response = self.session.request(method, url, headers=all_headers,
                                            timeout=timeout or self.timeout, **kwargs)
        except UnsafeURL as exc:
            # The guarded session refused the address (after DNS, on a redirect): permanent,
            # and the message says which setting would allow it.
            raise Rejected(str(exc)) from None
        except requests.Timeout:
            raise Transient(f"{self.platform}: timed out ({_where(url)})") from None
        except requests.RequestException as exc:
            detail = type(exc).__name__  # str(exc) may quote the URL with its query string
            raise Transient(
                f"{self.platform}: connection failed ({detail}, {_where(url)})"
            ) from None
        if 200 <= response.status_code < 300 or response.status_code in set(ok):
            note_quota(response.headers)
            return response
        self.raise_for(response, secrets=secrets)
        return response  # pragma: no cover - raise_for always raises

    def json(self, method: str, url: str, **kwargs) -> Any:
        """`request(...)` and the parsed JSON body (None for 204); bad JSON is Transient."""
        response = self.request(method, url, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise Transient(
                f"{self.platform}: the answer from {_where(url)} was not valid JSON",
                status=response.status_code,
            ) from None

    def raise_for(self, response: requests.Response, *, secrets: list[str] | None = None) -> None:
        """Map a failed response to the typed error and raise it."""
        status = response.status_code
        body = _body(response)
        reason = self._scrub(self.reason(response, body), secrets or [])
        where = _where(response.url or "")
        logger.info("%s answered HTTP %s for %s", self.platform, status, where)
        if self.is_auth_expired(response, body):
            raise AuthExpired(f"{self.platform}: authorisation expired or revoked ({reason})",
                              status=status)
        if status == 429:
            raise RateLimited(f"{self.platform}: rate limited ({reason})",
                              retry_after=parse_retry_after(response.headers), status=status)
        if status >= 500 or status in (408, 425):
            raise Transient(f"{self.platform}: server error HTTP {status} ({reason})",
                            status=status)
        raise Rejected(f"{self.platform}: {reason}", status=status)

    @staticmethod
    def _scrub(text: str, secrets: list[str]) -> str:
        for secret in secrets:
            if secret:
                text = text.replace(secret, "[redacted]")
        return redact(text)


def pooled_session() -> requests.Session:
    """A plain session whose connection pool is big enough for concurrent callers."""
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_maxsize=POOL_MAXSIZE)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _body(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text[:MAX_REASON_LENGTH] if response.text else ""


_default: HttpClient | None = None


def request(method: str, url: str, *, token: str | None = None, **kwargs) -> requests.Response:
    """Module-level shortcut with a generic client (platform name: the URL's host)."""
    global _default
    if _default is None:
        _default = HttpClient("platform")
    client = HttpClient(urlsplit(url).hostname or "platform", session=_default.session)
    return client.request(method, url, token=token, **kwargs)
