from datetime import datetime

from django.shortcuts import render

from accounts.audit_text import describe_all
from accounts.forms import AuditFilterForm
from accounts.selectors import audit_entries
from accounts.tenancy import org_view

PAGE_SIZE = 50


@org_view("audit.view")
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    before = _parse_cursor(request.GET.get("before", ""))
    rows = audit_entries(request.organization, before=before, limit=PAGE_SIZE,
                         **{k: v for k, v in filters.items() if v})
    next_cursor = None
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        last = rows[-1]
        next_cursor = f"{last.created_at.isoformat()}_{last.pk}"
    query = request.GET.copy()
    query.pop("before", None)
    return render(request, "accounts/audit_log.html", {
        "form": form, "entries": describe_all(rows), "next_cursor": next_cursor,
        "filter_query": query.urlencode(),
    })


def _parse_cursor(value: str):
    try:
        stamp, pk = value.rsplit("_", 1)
        return datetime.fromisoformat(stamp), int(pk)
    except ValueError:
        return None
