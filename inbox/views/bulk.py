from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.services.errors import ServiceError
from inbox import services
from inbox.models import InboxItem, ItemStatus
from inbox.selectors import inbox_settings_for
from inbox.views.helpers import is_htmx
from socialmgr.tenancy import org_view


@org_view("inbox.work")
@require_POST
def bulk_status(request):
    """Mark the selected items done (or open); the answer offers to undo exactly that."""
    status = request.POST.get("status", "")
    ids = [int(v) for v in request.POST.getlist("items") if v.isdigit()]
    error = ""
    changed: list[int] = []
    if status not in ItemStatus.values:
        error = _("Unknown status.")
    elif not ids:
        error = _("Select at least one item.")
    else:
        try:
            changed = services.inbox_items_set_status(
                organization=request.organization, item_ids=ids, status=status,
                actor=request.user)
        except ServiceError as exc:
            error = exc.message
    if status == ItemStatus.DONE:
        message = ngettext("%(n)s item marked as done.", "%(n)s items marked as done.",
                           len(changed)) % {"n": len(changed)}
    else:
        message = ngettext("%(n)s item reopened.", "%(n)s items reopened.",
                           len(changed)) % {"n": len(changed)}
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, message)
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
            next_url = reverse("inbox", kwargs={"org_slug": request.organization.slug})
        return redirect(next_url)
    items = list(InboxItem.objects.for_org(request.organization).filter(pk__in=changed)
                 .select_related("account", "assignee"))
    return render(request, "inbox/_bulk_result.html", {
        "error": error, "message": message, "items": items, "changed": changed,
        "undo_status": ItemStatus.OPEN if status == ItemStatus.DONE else ItemStatus.DONE,
        "inbox_settings": inbox_settings_for(request.organization),
    }, status=400 if error else 200)
