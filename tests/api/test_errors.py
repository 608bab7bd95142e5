"""The exception handler maps every refusal to the one documented error shape."""

import pytest
from rest_framework import exceptions

from accounts.services.errors import Conflict, ServiceError
from api.exceptions import api_exception_handler
from content.services.access import Forbidden
from platforms.errors import AuthExpired, RateLimited, Rejected, Transient


@pytest.mark.parametrize("exc,status,code", [
    (Conflict("changed"), 409, "conflict"),
    (ServiceError("illegal", code="illegal_transition"), 409, "illegal_transition"),
    (ServiceError("approve first", code="not_approved"), 422, "not_approved"),
    (ServiceError("plain"), 422, "invalid"),
    (Forbidden(), 403, "forbidden"),
    (Transient("down"), 502, "platform_error"),
    (Rejected("too long"), 422, "platform_rejected"),
    (AuthExpired("expired"), 422, "needs_reconnect"),
    (RateLimited("slow", retry_after=42), 503, "platform_rate_limited"),
    (exceptions.NotFound(), 404, "not_found"),
    (exceptions.Throttled(wait=7), 429, "throttled"),
])
def test_errors_map_to_status_and_stable_body(exc, status, code):
    response = api_exception_handler(exc, {})
    assert response.status_code == status
    assert response.data["code"] == code and response.data["detail"]
    assert set(response.data) == {"detail", "code"}


def test_rate_limits_carry_retry_after():
    assert api_exception_handler(RateLimited("x", retry_after=42), {})["Retry-After"] == "42"
    assert api_exception_handler(exceptions.Throttled(wait=7), {})["Retry-After"] == "7"


def test_nested_validation_errors_are_flat_dotted_paths():
    exc = exceptions.ValidationError({
        "targets": [{}, {"account": [exceptions.ErrorDetail("bad", code="invalid")]}],
        "media": {"non_field_errors": [exceptions.ErrorDetail("empty", code="empty")]},
        "text": [exceptions.ErrorDetail("required", code="required")],
    })
    body = api_exception_handler(exc, {}).data
    assert body["errors"] == {
        "targets.1.account": [{"code": "invalid", "message": "bad"}],
        "media": [{"code": "empty", "message": "empty"}],
        "text": [{"code": "required", "message": "required"}],
    }


def test_unexpected_errors_are_not_swallowed():
    assert api_exception_handler(RuntimeError("bug"), {}) is None
