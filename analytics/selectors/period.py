"""Reporting periods: whole days in the organisation's time zone, and the one before."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PRESETS = (
    ("7", _("Last 7 days")),
    ("28", _("Last 28 days")),
    ("90", _("Last 90 days")),
    ("this_month", _("This month")),
    ("last_month", _("Last month")),
    ("custom", _("Custom")),
)
DEFAULT_PRESET = "28"
MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    first: dt.date  # inclusive
    last: dt.date  # inclusive
    tz: ZoneInfo

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> dt.datetime:
        """Local midnight at the start of `first` (DST-aware), as an aware datetime."""
        return dt.datetime.combine(self.first, dt.time.min, tzinfo=self.tz)

    @property
    def end(self) -> dt.datetime:
        """Local midnight after `last` (exclusive end)."""
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time.min, tzinfo=self.tz)

    def previous(self) -> Period:
        """The same number of days just before (28 → 28; a 31-day month → the 31 days before)."""
        last = self.first - dt.timedelta(days=1)
        return Period(first=last - dt.timedelta(days=self.days - 1), last=last, tz=self.tz)

    def dates(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=i) for i in range(self.days)]


def local_today(tz: ZoneInfo, now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(tz).date()


def period_for(preset: str, tz: ZoneInfo, *, first: dt.date | None = None,
               last: dt.date | None = None, now: dt.datetime | None = None) -> Period:
    """The period a preset names (today counts: figures are as of now)."""
    today = local_today(tz, now)
    if preset in ("7", "28", "90"):
        return Period(first=today - dt.timedelta(days=int(preset) - 1), last=today, tz=tz)
    if preset == "this_month":
        return Period(first=today.replace(day=1), last=today, tz=tz)
    if preset == "last_month":
        last_day = today.replace(day=1) - dt.timedelta(days=1)
        return Period(first=last_day.replace(day=1), last=last_day, tz=tz)
    if preset == "custom" and first and last:
        return Period(first=first, last=last, tz=tz)
    return period_for(DEFAULT_PRESET, tz, now=now)


def month_period(month_start: dt.date, tz: ZoneInfo) -> Period:
    """A whole calendar month (for the monthly report)."""
    following = (month_start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return Period(first=month_start, last=following - dt.timedelta(days=1), tz=tz)
