from django.shortcuts import render

from socialmgr.tenancy import org_view


@org_view("analytics.view")
def dashboard(request):
    return render(request, "analytics/dashboard.html")
