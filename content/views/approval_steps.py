"""Settings → Approvals: the organisation's ordered approval steps (admins)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.services.errors import ServiceError
from accounts.tenancy import org_view
from content.models import ApprovalStep
from content.services.approval_steps import (
    STEP_ROLES,
    StepData,
    approval_step_create,
    approval_step_delete,
    approval_step_move,
    approval_step_update,
    eligible_members,
)


class ApprovalStepForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80,
                           help_text=gettext_lazy("For example “Legal” or “Team lead”."))
    role = forms.ChoiceField(label=gettext_lazy("Held by role"), required=False,
                             help_text=gettext_lazy("Anyone with at least this role may "
                                                    "decide the step."))
    members = forms.TypedMultipleChoiceField(label=gettext_lazy("Held by members"), coerce=int,
                                             required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("No role: only the members chosen below"))] + [
            (r.value, r.label) for r in STEP_ROLES]
        self.fields["members"].choices = [
            (m.user_id, f"{m.user.display_name} ({m.get_role_display()})") for m in members]

    def step_data(self) -> StepData:
        c = self.cleaned_data
        return StepData(name=c["name"], role=c["role"], member_ids=c["members"])


def _holders(step: ApprovalStep, members) -> list:
    """Who can decide the step right now (named members still in the organisation)."""
    named = {u.pk for u in step.members.all()}
    return [m for m in members if m.user_id in named]


def _page(request, form, status=200):
    org = request.organization
    members = eligible_members(org)
    steps = list(ApprovalStep.objects.for_org(org).prefetch_related("members"))
    rows = [{"step": s, "holders": _holders(s, members),
             "stale": not s.role and not _holders(s, members)} for s in steps]
    return render(request, "content/settings/approvals.html", {
        "rows": rows, "form": form, "approval_required": org.approval_required,
    }, status=status)


def _restarted(request, count: int) -> None:
    if count:
        messages.info(request, ngettext(
            "%(n)d post waiting for approval starts its review again.",
            "%(n)d posts waiting for approval start their review again.", count) % {"n": count})


@org_view("org.settings")
def approval_settings(request):
    members = eligible_members(request.organization)
    form = ApprovalStepForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            _step, restarted = approval_step_create(organization=request.organization,
                                                    actor=request.user, data=form.step_data())
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Approval step added."))
            _restarted(request, restarted)
            return redirect("approval_settings", org_slug=request.organization.slug)
    return _page(request, form, status=400 if form.errors else 200)


@org_view("org.settings")
def approval_step_edit(request, pk: int):
    step = get_object_or_404(ApprovalStep.objects.for_org(request.organization)
                             .prefetch_related("members"), pk=pk)
    members = eligible_members(request.organization)
    initial = {"name": step.name, "role": step.role,
               "members": [u.pk for u in step.members.all()]}
    form = ApprovalStepForm(request.POST or None, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            restarted = approval_step_update(step=step, actor=request.user,
                                             data=form.step_data())
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Approval step saved."))
            _restarted(request, restarted)
            return redirect("approval_settings", org_slug=request.organization.slug)
    return render(request, "content/settings/approval_step.html", {"step": step, "form": form},
                  status=400 if form.errors else 200)


@org_view("org.settings")
@require_POST
def approval_step_delete_view(request, pk: int):
    step = get_object_or_404(ApprovalStep.objects.for_org(request.organization), pk=pk)
    restarted = approval_step_delete(step=step, actor=request.user)
    messages.success(request, _("Approval step removed."))
    _restarted(request, restarted)
    return redirect("approval_settings", org_slug=request.organization.slug)


@org_view("org.settings")
@require_POST
def approval_step_move_view(request, pk: int):
    step = get_object_or_404(ApprovalStep.objects.for_org(request.organization), pk=pk)
    try:
        restarted = approval_step_move(step=step, actor=request.user,
                                       direction=request.POST.get("direction", ""))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        _restarted(request, restarted)
    return redirect("approval_settings", org_slug=request.organization.slug)
