"""Repeat a post: create the series, see its occurrences, skip one, edit this one / all future."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.services.errors import ServiceError
from accounts.tenancy import org_view
from content.models import Frequency, Post, RecurrenceOccurrence, RecurrenceRule
from content.models.calendar import Weekday
from content.selectors import posts_visible_to
from content.services.calendar import to_wall_clock
from content.services.recurrence import (
    RuleSpec,
    recurrence_create,
    recurrence_edit_text,
    recurrence_occurrence_skip,
    recurrence_stop,
)


class RuleForm(forms.Form):
    frequency = forms.ChoiceField(label=gettext_lazy("Repeats"), choices=Frequency.choices)
    interval = forms.IntegerField(label=gettext_lazy("Every"), min_value=1, max_value=365,
                                  initial=1, help_text=gettext_lazy(
                                      "Weeks for weekly, months for monthly, days otherwise."))
    weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("On"), choices=Weekday.choices, coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple)
    month_day = forms.IntegerField(label=gettext_lazy("Day of the month"), min_value=1,
                                   max_value=31, required=False)
    time = forms.TimeField(label=gettext_lazy("Time"),
                           widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    starts_on = forms.DateField(label=gettext_lazy("First day"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=gettext_lazy("Until (optional)"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    count = forms.IntegerField(label=gettext_lazy("Or number of posts (optional)"),
                               min_value=1, max_value=1000, required=False)


class SeriesTextForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 4}))
    scope = forms.ChoiceField(label=gettext_lazy("Apply to"), widget=forms.RadioSelect,
                              choices=[("future", gettext_lazy("All future posts of the series")),
                                       ("this", gettext_lazy("Only this one"))], initial="future")
    occurrence = forms.IntegerField(required=False, widget=forms.HiddenInput)


def _rule_for(request, post: Post) -> RecurrenceRule | None:
    rule = RecurrenceRule.objects.for_org(request.organization).filter(template=post).first()
    if rule is None:
        occ = RecurrenceOccurrence.objects.filter(post=post,
                                                  rule__organization=request.organization) \
            .select_related("rule").first()
        rule = occ.rule if occ else None
    return rule


def _render(request, post, rule, form=None, text_form=None, status=200):
    org = request.organization
    occurrences = list(rule.occurrences.select_related("post")
                       .prefetch_related("post__targets")) if rule else []
    for occ in occurrences:
        occ.local = to_wall_clock(occ.occurrence_at, rule.timezone)
    initial = {"time": to_wall_clock(post.scheduled_at, org.timezone).time()
               if post.scheduled_at else None,
               "starts_on": to_wall_clock(post.scheduled_at, org.timezone).date()
               if post.scheduled_at else None, "frequency": Frequency.WEEKLY}
    return render(request, "content/recurrence.html", {
        "post": post, "rule": rule, "occurrences": occurrences,
        "form": form or RuleForm(initial=initial),
        "text_form": text_form or SeriesTextForm(initial={"text": rule.template.text}
                                                 if rule else None),
        "tz_name": org.timezone,
    }, status=status)


@org_view("post.edit")
def recurrence_edit(request, pk: int):
    post = get_object_or_404(posts_visible_to(
        request.membership, Post.objects.for_org(request.organization)
        .select_related("organization")), pk=pk)
    rule = _rule_for(request, post)
    if request.method != "POST" or rule is not None:
        return _render(request, post, rule)
    form = RuleForm(request.POST)
    if not form.is_valid():
        return _render(request, post, None, form=form, status=400)
    data = form.cleaned_data
    spec = RuleSpec(frequency=data["frequency"], time=data["time"], starts_on=data["starts_on"],
                    interval=data["interval"], weekdays=tuple(data["weekdays"]),
                    month_day=data["month_day"], until=data["until"], count=data["count"])
    try:
        recurrence_create(post=post, actor=request.user, spec=spec)
    except ServiceError as exc:
        form.add_error(None, exc.message)
        return _render(request, post, None, form=form, status=400)
    messages.success(request, _("The post repeats now. The next eight weeks are planned."))
    return redirect("recurrence_edit", org_slug=request.organization.slug, pk=post.pk)


def _rule_or_404(request, pk: int) -> RecurrenceRule:
    return get_object_or_404(RecurrenceRule.objects.for_org(request.organization)
                             .select_related("template", "organization"), pk=pk)


@require_POST
@org_view("post.edit")
def recurrence_text_view(request, pk: int):
    rule = _rule_or_404(request, pk)
    form = SeriesTextForm(request.POST)
    if not form.is_valid():
        return _render(request, rule.template, rule, text_form=form, status=400)
    occurrence = None
    if form.cleaned_data["occurrence"]:
        occurrence = get_object_or_404(rule.occurrences.select_related("post"),
                                       pk=form.cleaned_data["occurrence"])
    try:
        changed = recurrence_edit_text(rule=rule, actor=request.user,
                                       text=form.cleaned_data["text"],
                                       scope=form.cleaned_data["scope"], occurrence=occurrence)
    except ServiceError as exc:
        form.add_error(None, exc.message)
        return _render(request, rule.template, rule, text_form=form, status=400)
    messages.success(request, _("%(count)d posts changed.") % {"count": changed})
    return redirect("recurrence_edit", org_slug=request.organization.slug, pk=rule.template_id)


@require_POST
@org_view("post.edit")
def recurrence_skip_view(request, pk: int, occ_pk: int):
    rule = _rule_or_404(request, pk)
    occurrence = get_object_or_404(rule.occurrences.select_related("post", "rule"), pk=occ_pk)
    try:
        recurrence_occurrence_skip(occurrence=occurrence, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("This occurrence is skipped; the series goes on."))
    return redirect("recurrence_edit", org_slug=request.organization.slug, pk=rule.template_id)


@require_POST
@org_view("post.edit")
def recurrence_stop_view(request, pk: int):
    rule = _rule_or_404(request, pk)
    recurrence_stop(rule=rule, actor=request.user)
    messages.success(request, _("The series ends: no new posts are planned."))
    return redirect("recurrence_edit", org_slug=request.organization.slug, pk=rule.template_id)
