"""LinkedIn: member and organisation-page posts, images, page comments and statistics."""

from platforms.linkedin.provider import LinkedInProvider

__all__ = ["LinkedInProvider"]
