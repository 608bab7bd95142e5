"""The queue page (weekly slots per account, upcoming slots) and "Add to queue"."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.services.errors import ServiceError
from accounts.tenancy import org_view
from content.models import Post, QueueSlot
from content.models.calendar import Weekday
from content.selectors import posts_visible_to
from content.selectors_calendar import visible_accounts
from content.services.calendar import to_wall_clock
from content.services.queue import post_add_to_queue, queue_slot_add, queue_slot_delete, slot_times
from content.services.workflow import post_submit
from content.workflows import PostState

UPCOMING_DAYS = 14


class SlotForm(forms.Form):
    account = forms.TypedChoiceField(label=gettext_lazy("Account"), coerce=int)
    weekday = forms.TypedChoiceField(label=gettext_lazy("Weekday"), coerce=int,
                                     choices=Weekday.choices)
    time = forms.TimeField(label=gettext_lazy("Time"),
                           widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def __init__(self, *args, accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [(a.pk, a.handle) for a in accounts]


def _page(request, form, status=200):
    org = request.organization
    accounts = list(visible_accounts(request.membership))
    ids = [a.pk for a in accounts]
    by_account = {a.pk: a for a in accounts}
    slots = QueueSlot.objects.for_org(org).filter(account_id__in=ids)
    upcoming = [s for s in slot_times(org, ids, weeks=UPCOMING_DAYS // 7)
                if (s.local.date() - to_wall_clock(dt.datetime.now(dt.UTC), org.timezone).date())
                .days < UPCOMING_DAYS]
    return render(request, "content/queue.html", {
        "groups": [{"account": a, "slots": [s for s in slots if s.account_id == a.pk]}
                   for a in accounts],
        "upcoming": [{"slot": s, "account": by_account[s.account_id]} for s in upcoming],
        "form": form, "tz_name": org.timezone,
        "can_manage": request.membership.can("post.schedule"),
    }, status=status)


@org_view("post.view")
def queue(request):
    return _page(request, SlotForm(accounts=visible_accounts(request.membership)))


@require_POST
@org_view("post.schedule")
def queue_slot_add_view(request):
    accounts = list(visible_accounts(request.membership))
    form = SlotForm(request.POST, accounts=accounts)
    if not form.is_valid():
        return _page(request, form, status=400)
    account = next(a for a in accounts if a.pk == form.cleaned_data["account"])
    try:
        queue_slot_add(organization=request.organization, actor=request.user, account=account,
                       weekday=form.cleaned_data["weekday"], time=form.cleaned_data["time"])
    except ServiceError as exc:
        form.add_error(None, exc.message)
        return _page(request, form, status=400)
    messages.success(request, _("Time slot added."))
    return redirect("queue", org_slug=request.organization.slug)


@require_POST
@org_view("post.schedule")
def queue_slot_delete_view(request, pk: int):
    slot = get_object_or_404(QueueSlot.objects.for_org(request.organization), pk=pk)
    queue_slot_delete(slot=slot, actor=request.user)
    messages.success(request, _("Time slot removed."))
    return redirect("queue", org_slug=request.organization.slug)


@require_POST
@org_view("post.edit")
def post_add_to_queue_view(request, pk: int):
    post = get_object_or_404(posts_visible_to(
        request.membership, Post.objects.for_org(request.organization)
        .select_related("organization")), pk=pk)
    try:
        with transaction.atomic():
            queue_post(request, post)
    except ServiceError as exc:
        messages.error(request, exc.message)
    nxt = request.POST.get("next", "")
    if nxt.startswith(f"/o/{request.organization.slug}/"):
        return redirect(nxt)
    return redirect("post_detail", org_slug=request.organization.slug, pk=post.pk)


def queue_post(request, post) -> None:
    """Next free slot, with a message saying what happened. A draft that still needs
    review is planned there and submitted, so it can go out once approved.
    Call inside a transaction: a refused submission must not leave the time planned."""
    result = post_add_to_queue(post=post, actor=request.user)
    when = formats.date_format(to_wall_clock(result.at, request.organization.timezone),
                               "SHORT_DATETIME_FORMAT")
    if result.scheduled:
        messages.success(request, _("Added to the queue: scheduled for %(when)s.")
                         % {"when": when})
        return
    post.refresh_from_db()
    if post.status in (PostState.DRAFT, PostState.CHANGES):
        post_submit(post=post, actor=request.user)
        messages.success(request, _("Planned for %(when)s, the next free slot, and submitted "
                                    "for approval.") % {"when": when})
    else:
        messages.warning(request, _("Planned for %(when)s, the next free slot. It is "
                                    "published there once approved.") % {"when": when})
