"""OpenAPI: the bearer-token scheme, and the error answers every operation can give."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from api.serializers.common import ErrorSerializer, ValidationErrorSerializer


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "ApiToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "smt_…",
                "description": "An organisation API token (Settings → API tokens)."}


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


COMMON = {
    "401": _error("Missing, invalid, expired or revoked token."),
    "403": _error("The token's role (or its user's) does not allow this."),
    "429": _error("Rate limit reached; see the Retry-After header."),
}
DETAIL = {"404": _error("No such object in the token's organisation.")}
WRITE = {
    "400": OpenApiResponse(ValidationErrorSerializer, description="Invalid input."),
    "409": _error("The object's state is in the way (changed by someone else, illegal "
                  "transition)."),
    "422": _error("Refused by a business rule (approval required, media refused …) or by "
                  "the platform."),
    "502": _error("The platform failed to answer."),
    "503": _error("The platform is rate limiting us; see the Retry-After header."),
}


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        extra = dict(COMMON)
        if "{" in self.path:
            extra.update(DETAIL)
        has_query = bool(self.get_override_parameters())  # validated query parameters
        if self.method in ("POST", "PUT", "PATCH", "DELETE") or self._is_list_view() \
                or has_query:
            extra["400"] = WRITE["400"]
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            extra.update({k: v for k, v in WRITE.items() if k != "400"})
        for code, response in extra.items():
            if code not in bodies:
                bodies[code] = self._get_response_for_code(response, code, direction=direction)
        return bodies

    def _get_response_headers_for_code(self, status_code, direction="response"):
        headers = super()._get_response_headers_for_code(status_code, direction)
        if str(status_code) in ("429", "503"):
            headers["Retry-After"] = {"schema": {"type": "integer"},
                                      "description": "Seconds to wait."}
        return headers
