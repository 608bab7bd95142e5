from django.shortcuts import render

from accounts.tenancy import org_view
from content.forms import DecisionForm, ScheduleForm
from content.selectors import queue_counts, review_queue

TABS = ("mine", "all", "changes")


@org_view("post.edit")
def approvals(request):
    tab = request.GET.get("tab", "mine")
    if tab not in TABS:
        tab = "mine"
    posts = review_queue(request.membership, tab)
    return render(request, "content/approvals.html", {
        "posts": posts, "tab": tab, "counts": queue_counts(request.membership),
        "decision_form": DecisionForm(),
        "schedule_form": ScheduleForm(tz_name=request.organization.timezone),
    })
