"""Fast number formatting for big tables (thousands of cells per page).

Django's number_format looks the locale's separators up for every call; a dashboard table
of a year of days would spend most of its time there, so look them up once per table.
"""

from __future__ import annotations

from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _


class NumberFormatter:
    def __init__(self):
        self.thousands = formats.get_format("THOUSAND_SEPARATOR")
        self.decimal = formats.get_format("DECIMAL_SEPARATOR")
        self.na = format_html('<span class="metric-na">{}</span>', _("not available"))

    def __call__(self, value, suffix: str = "") -> str | SafeString:
        """A figure, or “not available” (never 0) when the platform did not report it."""
        if value is None:
            return self.na
        if isinstance(value, int):
            text = f"{value:,}".replace(",", self.thousands)
        else:
            text = f"{value:,.2f}".rstrip("0").rstrip(".")
            text = text.replace(",", "\0").replace(".", self.decimal).replace("\0", self.thousands)
        return f"{text}{suffix}"
