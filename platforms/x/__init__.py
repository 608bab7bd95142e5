"""X (Twitter API v2)."""

from platforms.x.provider import XProvider

__all__ = ["XProvider"]
