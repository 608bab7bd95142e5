from __future__ import annotations

from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from analytics.models import AnalyticsSettings
from analytics.selectors.period import DEFAULT_PRESET, MAX_DAYS, PRESETS, Period, period_for
from platforms.registry import PROVIDERS, UnknownProvider, get_provider, group_label


def platform_name(key: str) -> str:
    """The platform's display name; only the platforms in use are imported."""
    try:
        return get_provider(key).name
    except (UnknownProvider, ImportError):
        return key.title()


class AccountChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.handle})"


class DashboardFilterForm(forms.Form):
    """The dashboard's query string: range, accounts, platform. Invalid input → defaults."""

    range = forms.ChoiceField(label=_("Period"), choices=PRESETS, required=False,
                              initial=DEFAULT_PRESET)
    start = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    accounts = AccountChoiceField(label=_("Accounts"), queryset=None, required=False,
                                  widget=forms.CheckboxSelectMultiple)
    platform = forms.ChoiceField(label=_("Platform"), required=False)

    def __init__(self, data, *, accounts_qs, **kwargs):
        if data is not None and data.get("range") not in dict(PRESETS):
            # No or an unknown period: the select shows the default the figures are for,
            # not whichever option happens to come first.
            data = data.copy()
            data["range"] = DEFAULT_PRESET
        super().__init__(data, **kwargs)
        self.fields["accounts"].queryset = accounts_qs
        present = {a.provider for a in accounts_qs}
        # Filtering stays by platform key; each option is named as its accounts are.
        self.fields["platform"].choices = [("", _("All platforms"))] + [
            (key, group_label(key, accounts_qs) if key in PROVIDERS else platform_name(key))
            for key in sorted(present)]

    def clean(self):
        data = super().clean()
        if data.get("range") == "custom":
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError(_("Choose both dates for a custom period."))
            if end < start:
                raise forms.ValidationError(_("The end date is before the start date."))
            if (end - start).days + 1 > MAX_DAYS:
                raise forms.ValidationError(
                    _("A period can be at most %(days)s days long."), params={"days": MAX_DAYS})
        return data

    def preset(self) -> str:
        """The preset the figures are for: the chosen one, or the default when the
        query string is invalid (so the label and the select never disagree with the data)."""
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("range") or DEFAULT_PRESET

    def period(self, tz: ZoneInfo) -> Period:
        data = self.cleaned_data if self.is_valid() else {}
        return period_for(self.preset(), tz, first=data.get("start"), last=data.get("end"))

    def period_label(self) -> str:
        """"Last 28 days", "This month" … or, for a custom range, "Custom range"."""
        preset = self.preset()
        if preset == "custom":
            return _("Custom range")
        return dict(PRESETS)[preset]

    def selected_accounts(self, visible: list) -> list:
        data = self.cleaned_data if self.is_valid() else {}
        chosen = list(data.get("accounts") or visible)
        if data.get("platform"):
            chosen = [a for a in chosen if a.provider == data["platform"]]
        return chosen


class AnalyticsSettingsForm(forms.ModelForm):
    class Meta:
        model = AnalyticsSettings
        fields = ["utm_enabled", "shorten_links", "monthly_report"]
