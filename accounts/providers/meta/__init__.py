"""Meta's Graph API: Facebook Pages and Instagram professional accounts (one Meta app)."""

from accounts.providers.meta.facebook import FacebookPageProvider
from accounts.providers.meta.instagram import InstagramProvider

__all__ = ["FacebookPageProvider", "InstagramProvider"]
