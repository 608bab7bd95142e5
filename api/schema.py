"""OpenAPI: the bearer-token scheme, and the error answers every operation can give."""

from __future__ import annotations

import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

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
    "415": _error("The request body is not in a media type this operation accepts."),
    "409": _error("The object's state is in the way (changed by someone else, illegal "
                  "transition)."),
    "422": _error("Refused by a business rule (approval required, media refused …) or by "
                  "the platform."),
    "502": _error("The platform failed to answer."),
    "503": _error("The platform is rate limiting us; see the Retry-After header."),
}


class ApiAutoSchema(AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # Nested lists (`targets`, `media`): the bounds the serializer enforces.
        if isinstance(field, serializers.ListSerializer) and schema.get("type") == "array":
            if not field.allow_empty:
                schema.setdefault("minItems", 1)
            if field.max_length is not None:
                schema.setdefault("maxItems", field.max_length)
        return schema

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        # drf-spectacular offers "" as a second `oneOf` branch for blank-allowed strings
        # with a pattern; when the pattern matches "" too, "" would match both branches
        # and be invalid under `oneOf`.
        branches = schema.get("oneOf")
        if branches and len(branches) == 2 and branches[1] == {"type": "string", "maxLength": 0} \
                and "pattern" in branches[0] and "format" not in branches[0] \
                and re.fullmatch(branches[0]["pattern"].replace("$", r"\Z"), ""):
            schema.update(schema.pop("oneOf")[0])

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


def require_version_on_patch(result, generator, request, public):
    """A partial update still needs the `version` it was made on (else 400)."""
    patched = result.get("components", {}).get("schemas", {}).get("PatchedPostUpdateRequest")
    if patched is not None:
        patched["required"] = ["version"]
    return result


# Pagination parameters are validated as they are; every other query parameter is a
# filter, where an empty value means "not given" (as a plain HTML form sends it).
PAGINATION_PARAMETERS = {"cursor", "limit"}


def empty_filters_mean_not_given(result, generator, request, public):
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", ()):
                if parameter.get("in") == "query" \
                        and parameter["name"] not in PAGINATION_PARAMETERS:
                    parameter["schema"] = {"anyOf": [parameter["schema"],
                                                     {"type": "string", "maxLength": 0}]}
    return result
