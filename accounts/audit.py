"""The one way to write the audit log."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models

from accounts.models import AuditEntry

# Set while a program acts for a person (an API token through the REST API or MCP): the
# entries written meanwhile say so (`details["via"]`), whatever service writes them.
_via: ContextVar[dict | None] = ContextVar("audit_via", default=None)


@contextmanager
def audit_via(channel: str, *, token_name: str, token_prefix: str) -> Iterator[None]:
    """Mark the audit entries written inside as made through `channel` ("api" | "mcp")
    with the named token."""
    reset = _via.set({"channel": channel, "token": token_name, "prefix": token_prefix})
    try:
        yield
    finally:
        _via.reset(reset)


def audit_record(
    *,
    organization,
    actor,
    verb: str,
    target: models.Model | None = None,
    details: dict | None = None,
    request=None,
) -> AuditEntry:
    """Record that `actor` did `verb` (dotted, e.g. ``accounts.member.role_changed``) to `target`.

    Call it inside the same transaction as the change it describes, so the log
    and the data never disagree.
    """
    via = _via.get()
    if via is not None:
        details = {**(details or {}), "via": via}
    return AuditEntry.objects.create(
        organization=organization,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "email", "") or "",
        verb=verb,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        details=details or {},
        ip_address=_client_ip(request),
    )


def _client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None
