from django import forms
from django.utils.translation import gettext_lazy as _

from assistant.models import AssistantSettings


class AssistantSettingsForm(forms.ModelForm):
    api_key = forms.CharField(
        label=_("API key"), required=False, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Stored encrypted. Leave empty to keep the stored key; a self-hosted "
                    "Ollama or LocalAI usually needs none."))
    remove_api_key = forms.BooleanField(label=_("Remove the stored API key"), required=False)

    class Meta:
        model = AssistantSettings
        fields = ["enabled", "base_url", "model", "api_key", "remove_api_key",
                  "accepts_images", "limit_kind", "monthly_limit", "send_usage_option"]
        widgets = {"base_url": forms.URLInput(attrs={"placeholder": "https://api.openai.com/v1"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["monthly_limit"].min_value = 1
        self.fields["monthly_limit"].widget.attrs["min"] = 1
        if not (self.instance and self.instance.has_api_key):
            del self.fields["remove_api_key"]

    def clean_monthly_limit(self):
        value = self.cleaned_data["monthly_limit"]
        if value is None or value < 1:
            raise forms.ValidationError(_("Enter a limit of at least 1."))
        return value
