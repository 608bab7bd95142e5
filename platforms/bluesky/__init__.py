"""Bluesky / AT Protocol: handle + app password against any PDS (see provider.py)."""

from platforms.bluesky.provider import BlueskyProvider

__all__ = ["BlueskyProvider"]
