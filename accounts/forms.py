from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.roles import Role, grantable_roles
from lib.text_input import TextRulesMixin
from lib.timezones import timezone_choices as _timezone_choices


def timezone_choices():
    return list(_timezone_choices())


class OrganizationForm(TextRulesMixin, forms.ModelForm):
    text_rules = {"name": "name"}
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices)

    class Meta:
        model = Organization
        fields = ["name", "slug", "timezone", "language", "approval_required"]

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        clash = Organization.objects.filter(slug=slug)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This address is already taken. Please choose another."))
        return slug


class OrganizationCreateForm(OrganizationForm):
    class Meta(OrganizationForm.Meta):
        fields = ["name", "slug", "timezone", "language"]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EDITOR)

    def __init__(self, *args, actor_role: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in grantable_roles(actor_role)]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, actor_role: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in grantable_roles(actor_role)]


class PreferencesForm(TextRulesMixin, forms.Form):
    text_rules = {"first_name": "name", "last_name": "name"}
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Same as my browser")), *settings.LANGUAGES],
        required=False,
    )
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=lambda: [("", _("Same as the organisation")), *timezone_choices()],
        required=False,
    )


class AuditFilterForm(forms.Form):
    verb = forms.ChoiceField(label=_("Kind"), required=False, choices=[
        ("", _("Everything")),
        ("content.post.", _("Posts")),
        ("content.target.", _("Publishing and deleting on networks")),
        ("content.", _("Calendar, media and approval settings")),
        ("inbox.", _("Inbox")),
        ("accounts.member.", _("Members and roles")),
        ("accounts.invitation.", _("Invitations")),
        ("accounts.account.", _("Connected accounts")),
        ("accounts.organization.", _("Organisation")),
        ("api.", _("API and webhooks")),
    ])
    actor = forms.CharField(label=_("Person"), required=False, widget=forms.TextInput(
        attrs={"placeholder": _("Name or e-mail address")}))
    since = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
