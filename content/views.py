from django.shortcuts import render

from socialmgr.tenancy import org_view


@org_view("post.view")
def calendar(request):
    return render(request, "content/calendar.html")


@org_view("post.edit")
def compose(request):
    return render(request, "content/compose.html")
