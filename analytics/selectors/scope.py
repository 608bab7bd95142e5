"""What a dashboard looks at: an organisation, some of its accounts, a period."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from accounts.models import ConnectedAccount, Organization
from analytics.selectors.period import Period


@dataclass(frozen=True)
class Scope:
    organization: Organization
    accounts: tuple[ConnectedAccount, ...]
    period: Period

    @property
    def account_ids(self) -> list[int]:
        return [a.pk for a in self.accounts]

    @property
    def tz(self) -> ZoneInfo:
        return self.period.tz

    @property
    def providers(self) -> list[str]:
        return sorted({a.provider for a in self.accounts})
