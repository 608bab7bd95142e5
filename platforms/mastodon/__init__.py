"""Mastodon and the Mastodon-API family (GoToSocial, Akkoma/Pleroma, Takahē)."""

from platforms.mastodon.provider import MastodonProvider

__all__ = ["MastodonProvider"]
