from django.db import transaction

from accounts.audit import audit_record
from accounts.models import Membership, Organization
from accounts.roles import Role
from lib.text_input import clean_name

SETTINGS_FIELDS = ("name", "slug", "timezone", "language", "approval_required")


@transaction.atomic
def organization_create(*, actor, name: str, slug: str, timezone: str = "UTC",
                        language: str = "en") -> Organization:
    """Create an organisation; its creator becomes its first owner."""
    org = Organization(name=clean_name(name), slug=slug, timezone=timezone, language=language)
    org.full_clean()
    org.save()
    Membership.objects.create(user=actor, organization=org, role=Role.OWNER)
    audit_record(organization=org, actor=actor, verb="accounts.organization.created", target=org)
    return org


@transaction.atomic
def organization_update(*, organization: Organization, actor, request=None, **changes) -> list[str]:
    """Change settings; returns the names of the fields that actually changed."""
    before = {f: getattr(organization, f) for f in SETTINGS_FIELDS}
    for field, value in changes.items():
        if field not in SETTINGS_FIELDS:
            raise TypeError(f"{field} is not an organisation setting")
        setattr(organization, field, clean_name(value) if field == "name" else value)
    organization.full_clean()
    changed = [f for f in SETTINGS_FIELDS if getattr(organization, f) != before[f]]
    if changed:
        organization.save(update_fields=changed)
        audit_record(
            organization=organization,
            actor=actor,
            verb="accounts.organization.settings_changed",
            target=organization,
            details={f: [before[f], getattr(organization, f)] for f in changed},
            request=request,
        )
    return changed
