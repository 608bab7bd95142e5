from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import ConnectedAccount
from inbox.models import (
    AutomationRule,
    InboxSettings,
    ItemKind,
    ItemStatus,
    SavedReply,
    SavedSearch,
    Sentiment,
)
from inbox.selectors import SNOOZED, ItemFilters, assignable_members
from inbox.services.snooze import PRESET_LABELS
from lib.text_input import TextRulesMixin
from platforms.registry import PROVIDERS, UnknownProvider, get_provider, group_label


def platform_name(key: str) -> str:
    try:
        return str(get_provider(key).name)
    except (UnknownProvider, ImportError):
        return key.title()


def platform_choices(organization, account_ids=None) -> list[tuple[str, str]]:
    """The platforms this organisation has accounts on (filtering by others finds nothing)."""
    accounts = ConnectedAccount.objects.for_org(organization)
    if account_ids is not None:
        accounts = accounts.filter(pk__in=account_ids)
    # Filtering stays by platform key; each option is named as its accounts are.
    accounts = list(accounts.only("provider", "settings"))
    keys = {a.provider for a in accounts}
    return [(key, group_label(key, accounts) if key in PROVIDERS else platform_name(key))
            for key in PROVIDERS if key in keys]


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[(ItemStatus.OPEN, ItemStatus.OPEN.label),
                                        (SNOOZED, _("Snoozed")),
                                        (ItemStatus.DONE, ItemStatus.DONE.label),
                                        ("all", _("All"))])
    account = forms.ModelChoiceField(label=_("Account"), required=False, queryset=None,
                                     empty_label=_("All accounts"))
    platform = forms.ChoiceField(label=_("Platform"), required=False)
    kind = forms.ChoiceField(label=_("Type"), required=False,
                             choices=[("", _("All types")), *ItemKind.choices])
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    sentiment = forms.ChoiceField(label=_("Sentiment"), required=False, choices=[
        ("", _("Any sentiment")), *Sentiment.choices, ("none", _("Not analysed"))])
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[
        ("", _("Newest first")), ("negative", _("Most negative first")),
        ("positive", _("Most positive first"))])
    urgent = forms.BooleanField(label=_("Urgent only"), required=False)
    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, organization, user, account_ids=None, **kwargs):
        """`account_ids`: the member's account scope (None: every account)."""
        super().__init__(*args, **kwargs)
        self.user = user
        self.account_ids = account_ids
        accounts = ConnectedAccount.objects.for_org(organization)
        if account_ids is not None:
            accounts = accounts.filter(pk__in=account_ids)
        self.fields["account"].queryset = accounts
        self.fields["platform"].choices = [("", _("All platforms")),
                                           *platform_choices(organization, account_ids)]
        self.fields["assignee"].choices = [
            ("", _("Anyone")), ("me", _("Assigned to me")), ("none", _("Unassigned")),
            *[(str(u.pk), u.display_name) for u in assignable_members(organization)],
        ]

    def filters(self) -> ItemFilters:
        if not self.is_valid():
            return ItemFilters(user_id=self.user.pk, account_ids=self.account_ids)
        d = self.cleaned_data
        status = d["status"] or ItemStatus.OPEN
        return ItemFilters(
            account=d["account"].pk if d["account"] else None, platform=d["platform"],
            kind=d["kind"], status="" if status == "all" else status,
            assignee=d["assignee"], urgent=d["urgent"], date_from=d["date_from"],
            date_to=d["date_to"], q=d["q"], sentiment=d["sentiment"], sort=d["sort"],
            user_id=self.user.pk, account_ids=self.account_ids,
        )


class ReplyForm(TextRulesMixin, forms.Form):
    text_rules = {"text": "comment"}

    text = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 4}),
                           max_length=10000)


class NoteForm(TextRulesMixin, forms.Form):
    text_rules = {"text": "note"}

    text = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=5000,
                           help_text=_("Only your team sees notes; they are never sent."))


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assignee"), required=False, queryset=None,
                                      empty_label=_("Nobody"))

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_members(organization)
        self.fields["assignee"].label_from_instance = lambda u: u.display_name


class SavedReplyForm(TextRulesMixin, forms.ModelForm):
    text_rules = {"title": "name", "text": "comment"}

    class Meta:
        model = SavedReply
        fields = ["title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class AutomationRuleForm(TextRulesMixin, forms.ModelForm):
    text_rules = {"name": "name", "match_keywords": "name", "match_author": "name",
                  "add_label": "name"}
    class Meta:
        model = AutomationRule
        fields = ["name", "position", "enabled", "match_account", "match_platform", "match_kind",
                  "match_keywords", "match_author", "assign_to", "add_label", "mark_done",
                  "flag_urgent", "stop_here"]

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["match_account"].queryset = ConnectedAccount.objects.for_org(organization)
        self.fields["match_platform"] = forms.ChoiceField(
            label=_("platform"), required=False,
            choices=[("", _("Any platform")), *platform_choices(organization)])
        self.fields["assign_to"].queryset = assignable_members(organization)
        self.fields["assign_to"].label_from_instance = lambda u: u.display_name

    def clean(self):
        data = super().clean()
        if not any(data.get(f) for f in ("assign_to", "add_label", "mark_done", "flag_urgent")):
            raise forms.ValidationError(_("Choose at least one action."))
        return data


class SavedSearchForm(TextRulesMixin, forms.ModelForm):
    text_rules = {"name": "name", "query": "name"}
    class Meta:
        model = SavedSearch
        fields = ["name", "query", "accounts", "enabled"]
        widgets = {"accounts": forms.CheckboxSelectMultiple}

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accounts"].queryset = ConnectedAccount.objects.for_org(
            organization).connected()
        self.fields["accounts"].help_text = _(
            "Searches run through these accounts; platforms without search are skipped.")
        self.fields["query"].help_text = _(
            "A #hashtag, keywords or a brand name, for example #acmecoffee or acme coffee.")

    def clean_query(self) -> str:
        query = " ".join(self.cleaned_data["query"].split())
        if not any(c.isalnum() for c in query):
            raise forms.ValidationError(_("Enter a word or a #hashtag to search for."))
        return query


class InboxSettingsForm(forms.ModelForm):
    class Meta:
        model = InboxSettings
        fields = ["replies_require_approval", "allow_remote_media", "retention_months"]


class AuthorRequestForm(forms.Form):
    handle = forms.CharField(label=_("Author handle"), max_length=255,
                             help_text=_("For example @someone or someone.bsky.social"))
    action = forms.ChoiceField(choices=[("export", _("Export")), ("erase", _("Erase"))],
                               widget=forms.HiddenInput)


class SnoozeForm(forms.Form):
    """A preset (see inbox.services.snooze.PRESET_LABELS) or a time the person picks."""

    preset = forms.ChoiceField(label=_("Snooze"), required=False,
                               choices=[("", "—"), *PRESET_LABELS.items()])
    until = forms.DateTimeField(label=_("Until"), required=False,
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])

    def clean(self):
        data = super().clean()
        if not data.get("preset") and not data.get("until"):
            raise forms.ValidationError(_("Choose when the conversation should come back."))
        return data
