from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import RANK, Role
from api.models import WebhookEvent
from lib.text_input import TextRulesMixin


class TokenForm(TextRulesMixin, forms.Form):
    text_rules = {"name": "name"}
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What uses this token, e.g. “CMS” or “CI”."))
    role = forms.ChoiceField(label=_("Role"), help_text=_(
        "What the token may do. It never does more than you can."))
    expires_on = forms.DateField(label=_("Expires on"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("Leave empty for a token that does not expire."))

    def __init__(self, *args, actor_role: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in Role
                                       if RANK[r] <= RANK[Role(actor_role)]]
        self.fields["role"].initial = Role.VIEWER

    def clean_expires_on(self):
        value = self.cleaned_data.get("expires_on")
        if value and value <= timezone.localdate():
            raise forms.ValidationError(_("Choose a date in the future."))
        return value

    def expires_at(self) -> dt.datetime | None:
        value = self.cleaned_data.get("expires_on")
        if not value:
            return None
        return timezone.make_aware(dt.datetime.combine(value, dt.time.min))


class WebhookForm(TextRulesMixin, forms.Form):
    text_rules = {"description": "name"}
    url = forms.URLField(label=_("URL"), max_length=1000, assume_scheme="https",
                         help_text=_("A public https address that accepts POST requests."))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(label=_("Events"), choices=WebhookEvent.choices,
                                       widget=forms.CheckboxSelectMultiple)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
