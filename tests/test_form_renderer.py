"""socialmgr.forms.FormRenderer writes selects and inputs itself: the markup must be exactly
what Django's widget templates make of the same widget (and the templates still render
what it leaves to them)."""

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from socialmgr.forms import FormRenderer, _fast


class _Reference(TemplatesSetting):
    """Django's widget templates, unchanged."""


class _Item:
    def __str__(self):
        return "an <item>"


CHOICES = [("", "—"), ("a&b", "A & B"), ("<x>", mark_safe("<b>bold</b>")), (3, _("Open")),
           ("q\"uote", 'Say "hi"')]
GROUPED = [("Europe", [("Europe/Berlin", "Berlin"), ("Europe/Paris", "Paris")]),
           ("", "none"), (_("Other"), [("UTC", "UTC")])]


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=CHOICES, required=False)
    grouped = forms.ChoiceField(choices=GROUPED)
    several = forms.MultipleChoiceField(choices=CHOICES, required=False)
    attrs = forms.ChoiceField(choices=CHOICES, widget=forms.Select(attrs={
        "class": "a<b", "data-x": _("Language"), "disabled": True, "hidden": False,
        "data-n": 5, "data-safe": mark_safe("<ok>"), "data-obj": _Item()}))
    text = forms.CharField(max_length=20, widget=forms.TextInput(attrs={"placeholder": "<p>"}))
    email = forms.EmailField(required=False)
    number = forms.IntegerField(min_value=0)
    decimal = forms.DecimalField(required=False, localize=True)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    when = forms.DateField(required=False)
    url = forms.URLField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    numbered = forms.TypedChoiceField(choices=[(1, 1), (2, 2.5)], coerce=int)  # templates
    check = forms.BooleanField(required=False)
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)


# Left to the templates: numbers as labels (a template localises them), checkboxes, radios.
TEMPLATED = {"numbered", "check", "radio"}

DATA = [
    {},
    {"plain": "a&b", "grouped": "Europe/Paris", "several": ["<x>", "3"], "attrs": "q\"uote",
     "text": 'x"<y>&', "email": "a@b.example", "number": "12", "decimal": "1.5",
     "hidden": "<h>", "when": "2026-02-03", "url": "https://x.example/?a=1&b=2",
     "secret": "s&s", "numbered": "2", "check": "on", "radio": "a&b"},
]


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("language", ["en-gb", "de"])
def test_widgets_render_as_the_templates_do(data, language):
    with translation.override(language):
        form = Everything(data or None)
        for field in form:
            widget = field.field.widget
            context = widget.get_context(field.html_name, field.value(), field.build_widget_attrs(
                {"id": field.auto_id}))
            fast = FormRenderer().render(widget.template_name, context)
            reference = _Reference().render(widget.template_name, context)
            assert fast == reference, field.name
            written = _fast(widget.template_name, context["widget"]) is not None
            assert written == (field.name not in TEMPLATED), field.name


def test_the_settings_pages_time_zone_select_is_unchanged():
    from accounts.forms import OrganizationForm

    form = OrganizationForm(initial={"timezone": "Europe/Berlin"})
    field = form["timezone"]
    widget = field.field.widget
    context = widget.get_context(field.html_name, field.value(), {"id": field.auto_id})
    html = FormRenderer().render(widget.template_name, context)
    assert html == _Reference().render(widget.template_name, context)
    assert '<option value="Europe/Berlin" selected>Europe/Berlin</option>' in html
