"""LinkedIn: member and organisation-page posts, images, page comments and statistics."""

from accounts.providers.linkedin.provider import LinkedInProvider

__all__ = ["LinkedInProvider"]
