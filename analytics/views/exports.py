from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from accounts.tenancy import org_view
from analytics.reports.csv import TABLES, csv_rows, stream_csv
from analytics.reports.pdf import render_report
from analytics.views.helpers import scope_from_request


def _filename(scope, what: str, ext: str) -> str:
    org = slugify(scope.organization.slug)
    return f"{org}-{what}-{scope.period.first:%Y%m%d}-{scope.period.last:%Y%m%d}.{ext}"


@org_view("analytics.view")
@require_GET
def export_csv(request, table: str):
    if table not in TABLES:
        raise Http404
    _form, scope, _visible = scope_from_request(request)
    response = StreamingHttpResponse(stream_csv(csv_rows(table, scope)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(scope, table, "csv")}"'
    return response


@org_view("analytics.view")
@require_GET
def report_pdf(request):
    _form, scope, _visible = scope_from_request(request)
    response = HttpResponse(render_report(scope), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(scope, "report", "pdf")}"'
    return response
