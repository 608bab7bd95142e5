from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.tenancy import org_view
from inbox.models import InboxItem
from inbox.selectors import alerts_for_member, member_account_scope
from inbox.services.alerts import alert_acknowledge


@org_view("inbox.view")
@require_GET
def alerts(request):
    """Spike alerts with the items that caused them; open ones first."""
    found = list(alerts_for_member(request.membership)[:50])
    ids = {pk for alert in found for pk in alert.item_ids}
    items = InboxItem.objects.for_org(request.organization).visible().filter(pk__in=ids)
    scope = member_account_scope(request.membership)
    if scope is not None:
        items = items.filter(account_id__in=scope)
    by_id = {item.pk: item for item in items}
    rows = [{"alert": a, "items": [by_id[pk] for pk in a.item_ids if pk in by_id]}
            for a in found]
    return render(request, "inbox/alerts.html", {"rows": rows})


@org_view("inbox.work")
@require_POST
def alert_ack(request, pk: int):
    alert = get_object_or_404(alerts_for_member(request.membership), pk=pk)
    alert_acknowledge(organization=request.organization, alert_id=alert.pk, actor=request.user,
                      request=request)
    messages.success(request, _("Alert acknowledged."))
    return redirect("inbox_alerts", org_slug=request.organization.slug)
