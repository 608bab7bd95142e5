from django.shortcuts import render

from socialmgr.tenancy import org_view


@org_view("inbox.view")
def inbox(request):
    return render(request, "inbox/inbox.html")
