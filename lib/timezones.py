"""The IANA time zone names, read once per process.

`zoneinfo.available_timezones()` walks the tz database's directories on every call (~7 ms,
dozens of directory scans); the set cannot change while the process runs.
"""

import zoneinfo
from functools import cache


@cache
def timezone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@cache
def timezone_choices() -> tuple[tuple[str, str], ...]:
    """(name, label) pairs for a select, sorted by name ("America/New_York" reads
    "America/New York")."""
    return tuple((tz, tz.replace("_", " ")) for tz in sorted(timezone_names()))
