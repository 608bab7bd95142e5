"""The only errors a provider may raise. Callers (publishing, inbox, analytics) branch on these."""


class ProviderError(Exception):
    """Base class; never raised directly."""

    def __init__(self, message: str = "", *, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status


class Transient(ProviderError):
    """A temporary failure (5xx, timeout, connection reset): retry later with backoff."""


class RateLimited(Transient):
    """The platform asked us to slow down. `retry_after` is in seconds (None: unknown)."""

    def __init__(self, message: str = "", *, retry_after: float | None = None,
                 status: int | None = 429):
        super().__init__(message, status=status)
        self.retry_after = retry_after


class AuthExpired(ProviderError):
    """The token is expired or revoked: the account needs reconnecting. Never retried blindly."""


class Rejected(ProviderError):
    """The platform refused the content or request. Terminal; `reason` is shown to the user."""

    def __init__(self, reason: str, *, status: int | None = None):
        super().__init__(reason, status=status)
        self.reason = reason


class NotSupported(ProviderError):
    """The platform does not offer this operation (for example metrics it does not expose)."""
