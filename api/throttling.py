"""Rate limit per API token, counted in the cache (Redis in production)."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.services.tokens import Principal


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"
    cache_format = "api-throttle:%(scope)s:%(ident)s"

    def get_rate(self) -> str:
        # Read per request, so an installation (or a test) can change it without a restart.
        return settings.API_RATE_LIMIT

    def allow_request(self, request, view) -> bool:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str | None:
        principal = request.auth
        if not isinstance(principal, Principal):
            return None
        return self.cache_format % {"scope": self.scope, "ident": principal.token.pk}
