"""Meta's Graph API: Facebook Pages and Instagram professional accounts (one Meta app)."""

from platforms.meta.facebook import FacebookPageProvider
from platforms.meta.instagram import InstagramProvider

__all__ = ["FacebookPageProvider", "InstagramProvider"]
