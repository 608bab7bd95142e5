from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.services.errors import ServiceError
from accounts.tenancy import org_view
from inbox import services
from inbox.forms import AssignForm
from inbox.models import ItemStatus
from inbox.selectors import (
    filtered_items,
    inbox_settings_for,
    member_account_scope,
    scoped_items,
)
from inbox.views.helpers import is_htmx, list_filters_of_page, list_query_of_page


@org_view("inbox.work")
@require_POST
def bulk_status(request):
    """The selected items: mark done or open (with an undo), assign, or label.

    Only items of accounts the member may use change."""
    ids = [int(v) for v in request.POST.getlist("items") if v.isdigit()]
    scope = member_account_scope(request.membership)
    action = request.POST.get("action") or "status"
    status = request.POST.get("status", "")
    changed: list[int] = []
    error = message = ""
    if not ids:
        error = _("Select at least one item.")
    else:
        try:
            changed, message = _apply(request, action, ids, scope, status)
        except ServiceError as exc:
            error = exc.message
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, message)
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
            next_url = reverse("inbox", kwargs={"org_slug": request.organization.slug})
        return redirect(next_url)
    items = list(scoped_items(request.organization, scope).filter(pk__in=changed)
                 .select_related("account", "assignee"))
    # Rows that no longer match the list on the page (done in the open list …) leave it.
    query = list_query_of_page(request)
    listed = set(filtered_items(request.organization, list_filters_of_page(request, query))
                 .filter(pk__in=changed).values_list("pk", flat=True))
    response = render(request, "inbox/_bulk_result.html", {
        "error": error, "message": message, "query": query,
        "items": [i for i in items if i.pk in listed],
        "removed": [i.pk for i in items if i.pk not in listed],
        # Status changes and snoozes can be undone; the undo of a snooze brings them back.
        "changed": changed if action in ("status", "snooze") else [],
        "undo_action": "unsnooze" if action == "snooze" else "status",
        "undo_status": ItemStatus.OPEN if status == ItemStatus.DONE else ItemStatus.DONE,
        "inbox_settings": inbox_settings_for(request.organization),
    }, status=400 if error else 200)
    if request.POST.get("undo") and changed:  # the rows come back: fetch the list again
        response["HX-Trigger-After-Settle"] = '{"inbox:relist": null}'
    return response


def _apply(request, action: str, ids: list[int], scope, status: str) -> tuple[list[int], str]:
    """Run one bulk action; ServiceError for anything the member must correct."""
    org, actor = request.organization, request.user
    if action == "assign":
        form = AssignForm(request.POST, organization=org, prefix="bulk")
        if not form.is_valid():
            raise ServiceError(_("Choose a member."))
        who = form.cleaned_data["assignee"]
        changed = services.inbox_items_assign(organization=org, item_ids=ids, assignee=who,
                                              actor=actor, account_ids=scope)
        n = len(changed)
        if who is None:
            return changed, ngettext("%(n)s item unassigned.", "%(n)s items unassigned.",
                                     n) % {"n": n}
        return changed, ngettext("%(n)s item assigned to %(name)s.",
                                 "%(n)s items assigned to %(name)s.", n) % {
            "n": n, "name": who.display_name}
    if action in ("snooze", "unsnooze"):
        return _snooze(request, action, ids, scope)
    if action == "label":
        changed = services.inbox_items_add_label(
            organization=org, item_ids=ids, label=request.POST.get("label", ""), actor=actor,
            account_ids=scope)
        return changed, ngettext("Label added to %(n)s item.", "Label added to %(n)s items.",
                                 len(changed)) % {"n": len(changed)}
    if action != "status" or status not in ItemStatus.values:
        raise ServiceError(_("Unknown status."))
    changed = services.inbox_items_set_status(organization=org, item_ids=ids, status=status,
                                              actor=actor, account_ids=scope)
    n = len(changed)
    if status == ItemStatus.DONE:
        return changed, ngettext("%(n)s item marked as done.", "%(n)s items marked as done.",
                                 n) % {"n": n}
    return changed, ngettext("%(n)s item reopened.", "%(n)s items reopened.", n) % {"n": n}


def _snooze(request, action: str, ids: list[int], scope) -> tuple[list[int], str]:
    from django.utils import formats, timezone

    from inbox.services.snooze import inbox_items_snooze, inbox_items_unsnooze, snooze_until_from
    from inbox.views.helpers import person_timezone

    org, actor = request.organization, request.user
    if action == "unsnooze":
        changed = inbox_items_unsnooze(organization=org, item_ids=ids, actor=actor,
                                       account_ids=scope)
        return changed, ngettext("%(n)s item is back in the open list.",
                                 "%(n)s items are back in the open list.", len(changed)) % {
            "n": len(changed)}
    tz = person_timezone(request)
    until = snooze_until_from(preset=request.POST.get("snooze", ""), now=timezone.now(), tz=tz)
    changed = inbox_items_snooze(organization=org, item_ids=ids, until=until, actor=actor,
                                 account_ids=scope)
    return changed, ngettext("%(n)s item snoozed until %(when)s.",
                             "%(n)s items snoozed until %(when)s.", len(changed)) % {
        "n": len(changed),
        "when": formats.date_format(until.astimezone(tz), "SHORT_DATETIME_FORMAT")}
