import json

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.services.errors import ServiceError
from accounts.tenancy import org_view
from inbox import services
from inbox.forms import AssignForm, NoteForm, ReplyForm
from inbox.models import InboxReply, ItemStatus
from inbox.selectors import filtered_items, item_for_org, next_in_list
from inbox.views.helpers import (
    is_htmx,
    list_filters_of_page,
    list_query_of_page,
    person_timezone,
)
from inbox.views.listing import render_item_page


def _item(request, pk: int):
    """The item if it is this organisation's and the member may use its account; else 404."""
    return item_for_org(request.organization, pk, membership=request.membership)


def _done(request, item, message: str = "", **extra):
    """After a change: the conversation again (htmx, with its list row) or a redirect."""
    if is_htmx(request):
        item = _item(request, item.pk)
        return render_item_page(request, item, notice=message, update_row=True, **extra)
    if message:
        messages.success(request, message)
    return redirect("inbox_item", org_slug=request.organization.slug, pk=item.pk)


def _advance(request, item, message: str, *, undo_status: str = "", undo_snooze: bool = False):
    """After Mark done, assign (and snooze): open the next conversation of the list the
    person is looking at, with the notice (and its undo) about the one just handled.

    The list's filters come from the page's address (HX-Current-URL). The handled row is
    updated, or removed when it no longer matches them; the client is told which item
    was handled and which one opened (HX-Trigger-After-Settle `inbox:advanced`) and moves
    the focus there. Without htmx: a redirect, as before."""
    if not is_htmx(request):
        return _done(request, item, message)
    org = request.organization
    query = list_query_of_page(request)
    filters = list_filters_of_page(request, query)
    handled = _item(request, item.pk)
    listed = filtered_items(org, filters).filter(pk=handled.pk).exists()
    following = next_in_list(org, filters, handled)
    if following is None and listed:  # nothing else to move to: stay on this one
        return render_item_page(request, handled, notice=message, update_row=True,
                                undo_status=undo_status, undo_snooze=undo_snooze, query=query,
                                nav_oob=True)
    extra = {"notice": message, "undo_status": undo_status, "undo_snooze": undo_snooze,
             "previous": handled,
             "row_removed": not listed, "query": query, "nav_oob": True}
    suffix = f"?{query}" if query else ""
    if following is None:
        response = render(request, "inbox/_caught_up.html", extra)
        url = reverse("inbox", kwargs={"org_slug": org.slug})
    else:
        response = render_item_page(request, _item(request, following.pk), **extra)
        url = reverse("inbox_item", kwargs={"org_slug": org.slug, "pk": following.pk})
    response["HX-Push-Url"] = url + suffix
    response["HX-Trigger-After-Settle"] = json.dumps({"inbox:advanced": {
        "from": handled.pk, "to": following.pk if following else None,
        "removed": not listed}})
    return response


@org_view("inbox.view")
@require_GET
def item_detail(request, pk: int):
    return render_item_page(request, _item(request, pk))


@org_view("inbox.work")
@require_POST
def item_assign(request, pk: int):
    item = _item(request, pk)
    form = AssignForm(request.POST, organization=request.organization)
    if not form.is_valid():
        return render_item_page(request, item, status=400, notice=_("Choose a member."))
    try:
        services.inbox_item_assign(item=item, assignee=form.cleaned_data["assignee"],
                                   actor=request.user)
    except ServiceError as exc:
        return render_item_page(request, item, status=400, notice=exc.message)
    who = form.cleaned_data["assignee"]
    return _advance(request, item, _("Assigned to %(name)s.") % {"name": who.display_name}
                    if who else _("Unassigned."))


@org_view("inbox.work")
@require_POST
def item_status(request, pk: int):
    item = _item(request, pk)
    status = request.POST.get("status", "")
    if status not in ItemStatus.values:
        return render_item_page(request, item, status=400, notice=_("Unknown status."))
    services.inbox_item_set_status(item=item, status=status, actor=request.user)
    if status == ItemStatus.DONE:
        return _advance(request, item, _("Marked as done."), undo_status=ItemStatus.OPEN)
    response = _done(request, item, _("Reopened."), undo_status=ItemStatus.DONE, nav_oob=True)
    if is_htmx(request):  # back in the open list: the list is fetched again to show it
        response["HX-Trigger-After-Settle"] = json.dumps({"inbox:relist": item.pk})
    return response


@org_view("inbox.work")
@require_POST
def item_snooze(request, pk: int):
    """Snooze until a preset or a chosen time (then the next conversation opens, with an
    undo), or bring a snoozed conversation back now (`action=unsnooze`)."""
    from inbox.forms import SnoozeForm
    from inbox.services.snooze import inbox_items_snooze, inbox_items_unsnooze, snooze_until_from

    item, org = _item(request, pk), request.organization
    if request.POST.get("action") == "unsnooze":
        inbox_items_unsnooze(organization=org, item_ids=[item.pk], actor=request.user)
        response = _done(request, item, _("Back in the open list."), nav_oob=True)
        if is_htmx(request):
            response["HX-Trigger-After-Settle"] = json.dumps({"inbox:relist": item.pk})
        return response
    tz = person_timezone(request)
    form = SnoozeForm(request.POST)
    with timezone.override(tz):  # a picked time is the person's local time
        valid = form.is_valid()
    if not valid:
        return render_item_page(request, item, status=400,
                                notice=_("Choose when the conversation should come back."))
    try:
        until = snooze_until_from(preset=form.cleaned_data["preset"],
                                  until=form.cleaned_data["until"], now=timezone.now(), tz=tz)
        inbox_items_snooze(organization=org, item_ids=[item.pk], until=until,
                           actor=request.user)
    except ServiceError as exc:
        return render_item_page(request, item, status=400, notice=exc.message)
    when = formats.date_format(until.astimezone(tz), "SHORT_DATETIME_FORMAT")
    return _advance(request, item, _("Snoozed until %(when)s.") % {"when": when},
                    undo_snooze=True)


@org_view("inbox.work")
@require_POST
def item_flags(request, pk: int):
    item = _item(request, pk)
    labels = request.POST.get("labels")
    urgent = request.POST.get("urgent")
    services.inbox_item_set_flags(
        item=item, actor=request.user,
        labels=labels.split(",") if labels is not None else None,
        urgent=(urgent == "1") if urgent is not None else None,
    )
    return _done(request, item, _("Saved."))


@org_view("inbox.work")
@require_POST
def item_sentiment(request, pk: int):
    """A person corrects the item's sentiment label (kept; the analyser leaves it alone)."""
    from inbox.services.sentiment import sentiment_correct

    item = _item(request, pk)
    try:
        sentiment_correct(item=item, label=request.POST.get("sentiment", ""),
                          actor=request.user, request=request)
    except ServiceError as exc:
        return render_item_page(request, item, status=400, notice=exc.message)
    return _done(request, item, _("Sentiment changed to %(label)s.") % {
        "label": item.get_sentiment_display()})


@org_view("inbox.work")
@require_POST
def item_hide(request, pk: int):
    """Hide the reply from public view on its platform (hidden=1) or show it again (0)."""
    from inbox.services.moderation import inbox_item_set_hidden
    from platforms.registry import account_label

    item = _item(request, pk)
    hidden = request.POST.get("hidden") == "1"
    try:
        inbox_item_set_hidden(item=item, hidden=hidden, actor=request.user, request=request)
    except ServiceError as exc:
        return render_item_page(request, item, status=400, notice=exc.message)
    platform = account_label(item.account)
    return _done(request, item, (_("Hidden on %(platform)s.") if hidden else
                                 _("Visible on %(platform)s again.")) % {"platform": platform})


@org_view("inbox.work")
@require_POST
def item_note(request, pk: int):
    item = _item(request, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return render_item_page(request, item, status=400, note_form=form)
    services.inbox_note_add(item=item, author=request.user, text=form.cleaned_data["text"])
    return _done(request, item, _("Note added."))


@org_view("inbox.reply")
@require_POST
def item_reply(request, pk: int):
    item = _item(request, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            reply = services.inbox_reply_create(item=item, membership=request.membership,
                                                text=form.cleaned_data["text"])
        except ServiceError as exc:
            form.add_error("text", exc.message)
        else:
            message = (_("Your reply waits for approval.")
                       if reply.status == "pending_approval" else _("Reply is being sent."))
            return _done(request, item, message)
    return render_item_page(request, item, status=400, reply_form=form)


def _reply(request, pk: int, reply_id: int) -> InboxReply:
    item = _item(request, pk)
    return get_object_or_404(InboxReply.objects.select_related("item__account"),
                             pk=reply_id, item=item)


def _render_reply(request, reply: InboxReply, status: int = 200):
    """One reply of the conversation as it stands: polled while it is being sent."""
    from inbox.views.helpers import conversation_context

    context = conversation_context(request, reply.item)
    context["r"] = reply
    return render(request, "inbox/_conversation.html#reply", context, status=status)


@org_view("inbox.view")
@require_GET
def reply_state(request, pk: int, reply_id: int):
    """The reply's delivery state, polled every 2 s by the reply while it is sending."""
    return _render_reply(request, _reply(request, pk, reply_id))


@org_view("inbox.reply")
@require_POST
def reply_retry(request, pk: int, reply_id: int):
    reply = _reply(request, pk, reply_id)
    try:
        services.inbox_reply_retry(reply=reply, membership=request.membership)
    except ServiceError as exc:
        response = render_item_page(request, reply.item, status=409, notice=exc.message)
        if is_htmx(request):
            response["HX-Retarget"], response["HX-Reswap"] = "#conversation", "innerHTML"
        return response
    if is_htmx(request) and request.headers.get("HX-Target") == f"reply-{reply.pk}":
        return _render_reply(request, _reply(request, pk, reply_id))
    return _done(request, reply.item, _("Sending again."))


@org_view("inbox.approve")
@require_POST
def reply_decide(request, pk: int, reply_id: int):
    reply = _reply(request, pk, reply_id)
    try:
        if request.POST.get("decision") == "approve":
            services.inbox_reply_approve(reply=reply, membership=request.membership)
            message = _("Reply approved and being sent.")
        else:
            services.inbox_reply_reject(reply=reply, membership=request.membership,
                                        reason=request.POST.get("reason", ""))
            message = _("Reply rejected.")
    except ServiceError as exc:
        return render_item_page(request, reply.item, status=409, notice=exc.message)
    return _done(request, reply.item, message)
