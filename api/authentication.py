"""`Authorization: Bearer smt_…` — the only way into /api/v1/."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from api.services.tokens import Principal, api_token_authenticate


class BearerTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # no credentials: NotAuthenticated (401) from the permission check
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid Authorization header: expected “Bearer <token>”."))
        try:
            plain = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        principal = api_token_authenticate(plain)
        if principal is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        # The views run the services inside `acting_as(principal.membership)` (see
        # views/base.py), so the token's capped role applies there, not the stored one.
        return principal.membership.user, principal

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


def principal_of(request) -> Principal:
    return request.auth
