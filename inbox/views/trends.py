from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.tenancy import org_view
from inbox.models import SavedSearch
from inbox.selectors import member_account_scope
from inbox.trends import SOURCES, listening_trends

SOURCE_LABELS = {"listening": _("Listening results"), "inbox": _("Our conversations"),
                 "all": _("Both")}


@org_view("inbox.view")
@require_GET
def trends(request):
    org = request.organization
    source = request.GET.get("source", "listening")
    source = source if source in SOURCES else "listening"
    return render(request, "inbox/trends.html", {
        "trends": listening_trends(
            org, account_ids=member_account_scope(request.membership), source=source),
        "has_searches": SavedSearch.objects.for_org(org).exists(),
        "sources": [(key, SOURCE_LABELS[key], key == source) for key in SOURCES],
    })
