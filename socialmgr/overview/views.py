"""The organisation overview page (`/o/<org>/`)."""

from django.shortcuts import render

from accounts.tenancy import org_view
from accounts.views.public import LAST_ORG_SESSION_KEY
from socialmgr.overview.selectors import dashboard_summary


@org_view("org.view")
def dashboard(request):
    if request.session.get(LAST_ORG_SESSION_KEY) != request.organization.slug:
        request.session[LAST_ORG_SESSION_KEY] = request.organization.slug
    return render(request, "accounts/dashboard.html",
                  {"summary": dashboard_summary(request.organization, request.user,
                                                 membership=request.membership)})
