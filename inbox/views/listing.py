from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.tenancy import org_view
from inbox.selectors import items_since
from inbox.views.helpers import conversation_context, filter_form, is_htmx, list_context


@org_view("inbox.view")
@require_GET
def inbox(request):
    """The inbox: filters and the list on the left, the open conversation on the right."""
    context = list_context(request)
    if is_htmx(request) and request.headers.get("HX-Target") == "inbox-list-more":
        return render(request, "inbox/_rows.html", context)
    if is_htmx(request) and request.headers.get("HX-Target") == "inbox-list-pane":
        return render(request, "inbox/_list.html", context)
    from inbox.selectors import open_alert_count

    context["open_alerts"] = open_alert_count(request.membership)
    return render(request, "inbox/inbox.html", context)


@org_view("inbox.view")
@require_GET
def inbox_new(request):
    """Polled every ~15 s by the list: items stored since the last poll, to prepend."""
    form = filter_form(request)
    try:
        since = int(request.GET.get("since", "0"))
    except ValueError:
        since = 0
    items = items_since(request.organization, form.filters(), since)
    newest = max([since, *(i.pk for i in items)])
    from inbox.selectors import inbox_settings_for
    from inbox.views.helpers import filter_query

    return render(request, "inbox/_new.html", {
        "items": items, "since_id": newest, "query": filter_query(request),
        "inbox_settings": inbox_settings_for(request.organization),
    })


def render_item_page(request, item, status=200, **extra):
    """An item as a full page (list + conversation) or, for htmx, the conversation alone."""
    context = conversation_context(request, item, **extra)
    if is_htmx(request):
        return render(request, "inbox/_conversation.html", context, status=status)
    context.update(list_context(request))
    return render(request, "inbox/inbox.html", context, status=status)
