"""The one way to write the audit log."""

from django.db import models

from accounts.models import AuditEntry


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
