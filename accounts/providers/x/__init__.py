"""X (Twitter API v2)."""

from accounts.providers.x.provider import XProvider

__all__ = ["XProvider"]
