from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.tenancy import org_view
from inbox.models import SavedSearch
from inbox.selectors import member_account_scope
from inbox.trends import listening_trends


@org_view("inbox.view")
@require_GET
def trends(request):
    org = request.organization
    return render(request, "inbox/trends.html", {
        "trends": listening_trends(
            org, account_ids=member_account_scope(request.membership)),
        "has_searches": SavedSearch.objects.for_org(org).exists(),
    })
