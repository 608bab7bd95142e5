"""Forms of the connected-accounts pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lib.text_input import TextRulesMixin


class InstanceForm(forms.Form):
    instance_url = forms.CharField(
        label=_("Server address"), max_length=255,
        help_text=_("For example mastodon.social or https://social.example.org"),
        widget=forms.TextInput(attrs={"autocomplete": "url", "inputmode": "url",
                                      "spellcheck": "false"}),
    )

    def clean_instance_url(self):
        value = self.cleaned_data["instance_url"].strip().rstrip("/")
        if "://" not in value:
            value = f"https://{value}"
        if not value.startswith(("https://", "http://")) or " " in value:
            raise forms.ValidationError(_("Enter the address of the server, like mastodon.social."))
        return value


class CredentialsForm(forms.Form):
    identifier = forms.CharField(
        label=_("Handle"), max_length=255,
        help_text=_("Your handle, for example alice.bsky.social"),
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("App password"), max_length=255, strip=True,
        help_text=_("Create an app password in the platform's settings; never use your "
                    "main password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    pds_url = forms.CharField(
        label=_("Own server (PDS), optional"), max_length=255, required=False,
        help_text=_("Only for an account on a self-hosted server, for example "
                    "https://pds.example.org. Leave empty for bsky.social and every server "
                    "that is found through the handle."),
        widget=forms.TextInput(attrs={"autocomplete": "url", "inputmode": "url",
                                      "spellcheck": "false"}),
    )


class RenameForm(TextRulesMixin, forms.Form):
    text_rules = {"label": "name"}
    label = forms.CharField(label=_("Custom name"), max_length=100, required=False,
                            help_text=_("Leave empty to use the name from the platform."))


class PlatformAppForm(forms.Form):
    client_id = forms.CharField(label=_("Client ID"), max_length=500)
    client_secret = forms.CharField(
        label=_("Client secret"), max_length=500, required=False,
        help_text=_("Leave empty to keep the stored secret."),
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}, render_value=False),
    )


class AccessForm(forms.Form):
    restricted = forms.TypedChoiceField(
        label=_("Accounts this member may use"), widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        choices=[("no", _("All accounts of the organisation")),
                 ("yes", _("Only the accounts chosen below"))],
    )
    accounts = forms.MultipleChoiceField(label=_("Accounts"), required=False,
                                         widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accounts"].choices = [(str(a.pk), f"{a.name} ({a.handle})")
                                           for a in accounts]

    def clean(self):
        data = super().clean()
        if data.get("restricted") and not data.get("accounts"):
            self.add_error("accounts", _("Choose at least one account, or allow all accounts."))
        return data
