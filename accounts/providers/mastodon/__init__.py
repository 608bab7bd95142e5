"""Mastodon and the Mastodon-API family (GoToSocial, Akkoma/Pleroma, Takahē)."""

from accounts.providers.mastodon.provider import MastodonProvider

__all__ = ["MastodonProvider"]
