from __future__ import annotations

from django.db import transaction

from accounts.audit import audit_record
from accounts.models import Organization
from analytics.models import AnalyticsSettings


def analytics_settings_for(organization: Organization) -> AnalyticsSettings:
    """The organisation's settings; an unsaved default row when none was saved yet."""
    found = AnalyticsSettings.objects.filter(organization=organization).first()
    return found or AnalyticsSettings(organization=organization)


@transaction.atomic
def analytics_settings_update(*, organization: Organization, actor, utm_enabled: bool,
                              monthly_report: bool, shorten_links: bool = False,
                              request=None) -> AnalyticsSettings:
    current, _ = AnalyticsSettings.objects.select_for_update().get_or_create(
        organization=organization)
    changes = {}
    for name, value in (("utm_enabled", utm_enabled), ("shorten_links", shorten_links),
                        ("monthly_report", monthly_report)):
        if getattr(current, name) != value:
            changes[name] = value
            setattr(current, name, value)
    if changes:
        current.save()
        audit_record(organization=organization, actor=actor,
                     verb="analytics.settings.changed", target=current, details=changes,
                     request=request)
    return current
