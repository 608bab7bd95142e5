"""One error format for the whole API (documented in the schema as `Error`).

    {"detail": "human-readable, translated", "code": "machine_code",
     "errors": {"field": [{"code": "required", "message": "This field is required."}]}}

`errors` appears on 400 answers only. Its keys are field paths: nested fields are
dotted (`targets.0.account`), and problems not tied to one field are listed under
`non_field_errors`.
Service refusals (ServiceError) answer 409 when the object's state is in the way
(conflicts, illegal transitions) and 422 when the request cannot be carried out
as asked; a refused role check is 403. Platform errors: a refusal or an expired
authorisation is 422, an outage 502, a platform rate limit 503 with Retry-After.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from accounts.services.errors import Conflict, ServiceError
from platforms.errors import AuthExpired, ProviderError, RateLimited, Rejected

logger = logging.getLogger(__name__)

# ServiceError codes that mean "the object is not in a state for this" → 409.
STATE_CODES = {"conflict", "illegal_transition", "state", "busy", "target_busy",
               "not_editable", "revoked"}


def field_errors(detail, prefix: str = "", out: dict | None = None) -> dict:
    """DRF's nested ErrorDetail structure → {"field.path": [{"code", "message"}]} (flat)."""
    out = {} if out is None else out
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key == "non_field_errors" and prefix:
                path = prefix  # a nested object's own problem belongs to the object
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            field_errors(value, path, out)
    elif isinstance(detail, list) and any(isinstance(v, dict | list) for v in detail):
        for index, value in enumerate(detail):  # a list of objects: number them
            if value:
                field_errors(value, f"{prefix}.{index}" if prefix else str(index), out)
    else:
        values = detail if isinstance(detail, list) else [detail]
        out.setdefault(prefix or "non_field_errors", []).extend(
            {"code": getattr(v, "code", "invalid") or "invalid", "message": str(v)}
            for v in values)
    return out


def error_response(status_code: int, detail: str, code: str, *, errors: dict | None = None,
                   headers: dict | None = None) -> Response:
    body = {"detail": str(detail), "code": code}
    if errors is not None:
        body["errors"] = errors
    return Response(body, status=status_code, headers=headers)


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})
    if isinstance(exc, ServiceError):
        return _service_error(exc)
    if isinstance(exc, ProviderError):
        return _provider_error(exc)
    if isinstance(exc, exceptions.ValidationError):
        return error_response(400, _("Invalid input."), "invalid",
                              errors=field_errors(exc.detail))
    if isinstance(exc, exceptions.ParseError):  # a body that is not JSON: still the 400 shape
        return error_response(400, str(exc.detail), "parse_error", errors={"non_field_errors": [
            {"code": "parse_error", "message": str(exc.detail)}]})
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a bug: let Django log it and answer 500
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        response.data = {"detail": str(exc.detail), "code": code}
    return response


def _service_error(exc: ServiceError) -> Response:
    code = exc.code or "invalid"
    if code == "forbidden":
        return error_response(status.HTTP_403_FORBIDDEN, exc.message, code)
    if isinstance(exc, Conflict) or code in STATE_CODES:
        return error_response(status.HTTP_409_CONFLICT, exc.message, code)
    return error_response(status.HTTP_422_UNPROCESSABLE_ENTITY, exc.message, code)


def _provider_error(exc: ProviderError) -> Response:
    logger.info("api: platform error %s", type(exc).__name__)
    if isinstance(exc, RateLimited):
        headers = {"Retry-After": str(int(exc.retry_after or 60))}
        return error_response(503, _("The platform is rate limiting us; try again later."),
                              "platform_rate_limited", headers=headers)
    if isinstance(exc, Rejected):  # the platform refused the content: the caller's to fix
        return error_response(422, exc.reason, "platform_rejected")
    if isinstance(exc, AuthExpired):
        return error_response(422, _("The account needs to be reconnected."),
                              "needs_reconnect")
    return error_response(502, exc.message or _("The platform did not answer as expected."),
                          "platform_error")
