"""Forms of the content screens. They parse input; the services decide."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from content.services.posts import PostData
from lib.text_input import TextRulesMixin

ACTIONS = ("draft", "submit", "schedule", "publish_now", "queue")


def local_to_utc(day: dt.date, at: dt.time, tz_name: str) -> dt.datetime:
    """Wall-clock time in `tz_name` → aware UTC; refuses times skipped by a DST change."""
    tz = zoneinfo.ZoneInfo(tz_name)
    local = dt.datetime.combine(day, at).replace(tzinfo=tz)
    as_utc = local.astimezone(dt.UTC)
    if as_utc.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise forms.ValidationError(
            _("%(time)s does not exist on that day in %(tz)s (the clocks change). "
              "Choose another time.") % {"time": at.strftime("%H:%M"), "tz": tz_name})
    return as_utc


class ComposeForm(TextRulesMixin, forms.Form):
    """The composer. Works as a plain POST form; JavaScript only enhances it."""

    text_rules = {"title": "name", "text": "post_text", "notes": "note"}
    title = forms.CharField(label=gettext_lazy("Internal name"), max_length=120, required=False)
    text = forms.CharField(label=gettext_lazy("Text"), required=False,
                           widget=forms.Textarea(attrs={"rows": 7, "data-counter-source": ""}))
    accounts = forms.TypedMultipleChoiceField(label=gettext_lazy("Accounts"), coerce=int,
                                              widget=forms.CheckboxSelectMultiple)
    labels = forms.TypedMultipleChoiceField(label=gettext_lazy("Labels"), coerce=int,
                                            required=False, widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label=gettext_lazy("Internal notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=gettext_lazy("Only your team sees these."))
    date = forms.DateField(label=gettext_lazy("Date"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=gettext_lazy("Time"), required=False,
                           widget=forms.TimeInput(attrs={"type": "time"}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], required=False)

    def __init__(self, *args, accounts=(), labels=(), assets=(), tz_name="UTC", refused=(),
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.account_list = list(accounts)
        # Accounts of the organisation this member may not use: named in a clear error
        # instead of Django's "not one of the available choices".
        self.refused = {a.pk: a for a in refused}
        self.tz_name = tz_name
        self.fields["accounts"].choices = [(a.pk, a.display_name or a.handle)
                                           for a in [*self.account_list, *self.refused.values()]]
        self.fields["labels"].choices = [(label.pk, label.name) for label in labels]
        self.assets = {a.pk: a for a in assets}

    def clean_accounts(self):
        chosen = self.cleaned_data["accounts"]
        refused = [self.refused[i] for i in chosen if i in self.refused]
        if refused:
            raise forms.ValidationError(
                _("You may not post to %(names)s. Ask an admin of the organisation for access.")
                % {"names": ", ".join(a.handle for a in refused)}, code="restricted")
        return chosen

    def _post_list(self, name: str) -> list[str]:
        return self.data.getlist(name) if hasattr(self.data, "getlist") else []

    def clean(self):
        cleaned = super().clean()
        day, at = cleaned.get("date"), cleaned.get("time")
        cleaned["scheduled_at"] = None
        if day and at:
            try:
                cleaned["scheduled_at"] = local_to_utc(day, at, self.tz_name)
            except forms.ValidationError as exc:
                self.add_error("time", exc)
        elif day or at:
            self.add_error("time" if day else "date", _("Give both a date and a time."))
        if cleaned.get("action") == "schedule" and not cleaned.get("scheduled_at") \
                and not self.errors.get("time"):
            self.add_error("date", _("Choose when to publish."))
        when = cleaned.get("scheduled_at")
        if when and cleaned.get("action") == "schedule" and when <= timezone.now():
            self.add_error("time", _("Choose a time in the future."))
        cleaned["media"] = self._media()
        return cleaned

    def _media(self) -> list[tuple[int, str]]:
        out = []
        for raw in self._post_list("media"):
            if raw.isdigit() and int(raw) in self.assets and int(raw) not in dict(out):
                out.append((int(raw), (self.data.get(f"alt_{raw}") or "").strip()))
        return out

    def overrides(self) -> dict[int, str]:
        return {a.pk: (self.data.get(f"override_{a.pk}") or "") for a in self.account_list}

    def first_comments(self) -> dict[int, str]:
        return {a.pk: (self.data.get(f"first_comment_{a.pk}") or "").strip()
                for a in self.account_list}

    def post_data(self) -> PostData:
        c = self.cleaned_data
        return PostData(text=c["text"], account_ids=c["accounts"], overrides=self.overrides(),
                        first_comments=self.first_comments(),
                        media=c["media"], title=c["title"], notes=c["notes"],
                        label_ids=c.get("labels") or [], scheduled_at=c["scheduled_at"],
                        timezone=self.tz_name)


class DecisionForm(TextRulesMixin, forms.Form):
    text_rules = {"comment": "note"}
    comment = forms.CharField(label=gettext_lazy("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class ScheduleForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date"),
                           widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=gettext_lazy("Time"),
                           widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, tz_name="UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.tz_name = tz_name

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date") and cleaned.get("time"):
            try:
                cleaned["scheduled_at"] = local_to_utc(cleaned["date"], cleaned["time"],
                                                       self.tz_name)
            except forms.ValidationError as exc:
                self.add_error("time", exc)
                return cleaned
            if cleaned["scheduled_at"] <= timezone.now():
                self.add_error("time", _("Choose a time in the future."))
        return cleaned


class MediaUploadForm(TextRulesMixin, forms.Form):
    text_rules = {"alt_text": "alt_text", "source": "name", "licence": "name",
                  "attribution": "name", "folder": "name", "tags": "name"}
    file = forms.FileField(label=gettext_lazy("File"))
    alt_text = forms.CharField(label=gettext_lazy("Alt text"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2}),
                               help_text=gettext_lazy("Describe the image for people who "
                                                      "cannot see it."))
    source = forms.CharField(label=gettext_lazy("Source"), required=False, max_length=300)
    licence = forms.CharField(label=gettext_lazy("Licence"), required=False, max_length=120)
    own_work = forms.BooleanField(label=gettext_lazy("My own work (I made it, no licence "
                                                     "needed)"), required=False)
    attribution = forms.CharField(label=gettext_lazy("Attribution"), required=False,
                                  max_length=300)
    folder = forms.CharField(label=gettext_lazy("Folder"), required=False, max_length=120)
    tags = forms.CharField(label=gettext_lazy("Tags"), required=False, max_length=300,
                           help_text=gettext_lazy("Separated by commas."))


class MediaEditForm(MediaUploadForm):
    file = None


class CommentForm(TextRulesMixin, forms.Form):
    text_rules = {"body": "note"}
    body = forms.CharField(label=gettext_lazy("Comment"), widget=forms.Textarea(attrs={"rows": 3}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReviewLinkForm(TextRulesMixin, forms.Form):
    text_rules = {"reviewer_name": "name"}
    reviewer_name = forms.CharField(label=gettext_lazy("Reviewer name"), max_length=120,
                                    required=False)
    reviewer_email = forms.EmailField(label=gettext_lazy("Reviewer email"), required=False)
    days = forms.IntegerField(label=gettext_lazy("Valid for (days)"), min_value=1, max_value=60,
                              initial=7)


class ClientDecisionForm(TextRulesMixin, forms.Form):
    text_rules = {"name": "name", "comment": "note"}
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=120, required=False)
    comment = forms.CharField(label=gettext_lazy("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("changes", "changes")])


class SnippetForm(TextRulesMixin, forms.Form):
    text_rules = {"name": "name", "text": "comment"}
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80)
    text = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 3}))


class LabelForm(TextRulesMixin, forms.Form):
    text_rules = {"name": "name"}
    name = forms.CharField(label=gettext_lazy("Name"), max_length=60)
    colour = forms.RegexField(label=gettext_lazy("Colour"), regex=r"^#[0-9a-fA-F]{6}$",
                              initial="#64748b", widget=forms.TextInput(attrs={"type": "color"}))
