"""One tool call, the way the REST API handles one request: the token's principal, its
rate limit, the role cap of the REST action it mirrors, the services acting with the
capped membership, and the API's errors as tool errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from mcp.server.mcpserver.exceptions import ToolError
from rest_framework import exceptions

from accounts.audit import audit_via
from accounts.services.errors import ServiceError
from api.exceptions import field_errors
from api.services.tokens import Principal
from api.throttling import TokenRateThrottle
from content.services.access import acting_as
from platforms.errors import ProviderError

# Who is calling: from the HTTP request (/mcp/) or the token given to `mcp_stdio`.
PrincipalSource = Callable[[Any], Principal]


class NotFound(ToolError):
    def __init__(self):
        super().__init__(_("Not found."))


class _ThrottledRequest:
    """What TokenRateThrottle reads of a request: the principal."""

    def __init__(self, principal: Principal):
        self.auth = principal


def check_rate(principal: Principal) -> None:
    """The REST API's limit, in the same bucket: a tool call counts as one request."""
    throttle = TokenRateThrottle()
    if not throttle.allow_request(_ThrottledRequest(principal), None):
        raise ToolError(str(exceptions.Throttled(throttle.wait()).detail))


def _message(detail) -> str:
    """The API's field errors (`targets.0.account: …`) as one line an agent can act on."""
    parts = []
    for field, problems in field_errors(detail).items():
        for problem in problems:
            where = "" if field == "non_field_errors" else f"{field}: "
            parts.append(f"{where}{problem['message']}")
    return "; ".join(parts)


def run_call(source: PrincipalSource, ctx, perm: str, fn: Callable[[Principal], Any]):
    principal = source(ctx)
    # In the REST API's order: the role cap first (a refusal is not counted), then the rate.
    if not principal.can(perm):
        raise ToolError(str(exceptions.PermissionDenied().detail))
    check_rate(principal)
    try:
        token = principal.token
        with acting_as(principal.membership), audit_via(
                "mcp", token_name=token.name, token_prefix=token.prefix):
            return fn(principal)
    except (Http404, ObjectDoesNotExist):
        raise NotFound() from None
    except exceptions.ValidationError as error:
        raise ToolError(_message(error.detail)) from None
    except DjangoValidationError as error:
        raise ToolError("; ".join(error.messages)) from None
    except ServiceError as error:
        raise ToolError(str(error.message)) from None
    except ProviderError as error:
        raise ToolError(str(error)) from None


async def call(source: PrincipalSource, ctx, perm: str, fn: Callable[[Principal], Any]):
    # thread_sensitive: under /mcp/ the ORM runs in the request's own thread (its database
    # connection and, in tests, its transaction); under stdio in one shared thread.
    return await sync_to_async(run_call, thread_sensitive=True)(source, ctx, perm, fn)
