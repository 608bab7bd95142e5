from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.tenancy import org_view
from analytics.charts import charts_payload
from analytics.labels import WEEKDAYS, metric_label
from analytics.models import POST_METRIC_NAMES, PostMetricSnapshot, TargetMetrics
from analytics.selectors.dashboard import DEFINITION, dashboard_data
from analytics.services.settings import analytics_settings_for
from analytics.views import tables as tables_html
from analytics.views.helpers import scope_from_request

# The quick switches above the figures; the form offers the rest (months, a custom range).
QUICK_PRESETS = (("7", _("7 days")), ("28", _("28 days")), ("90", _("90 days")))


def quick_presets(request, current: str) -> list[dict]:
    """Links to the 7/28/90-day views that keep the chosen accounts and platform."""
    links = []
    for key, label in QUICK_PRESETS:
        query = request.GET.copy()
        query["range"] = key
        for name in ("start", "end"):
            query.pop(name, None)
        links.append({"key": key, "label": label, "query": query.urlencode(),
                      "current": key == current})
    return links


@org_view("analytics.view")
@require_GET
def dashboard(request):
    form, scope, visible = scope_from_request(request)
    preset = form.preset()
    context = {"form": form, "visible_accounts": visible, "has_accounts": bool(visible),
               "query": request.GET.urlencode(),
               "period_label": form.period_label(), "quick_presets": quick_presets(request, preset),
               "settings": analytics_settings_for(request.organization),
               "DEFINITION": DEFINITION,
               "hours": range(24), "weekdays": dict(enumerate(WEEKDAYS, start=1))}
    if scope.accounts:
        data = dashboard_data(scope)
        charts, tables = charts_payload(data)
        slug = request.organization.slug
        metrics = data["reported_metrics"]
        # The big tables are built in Python (analytics/views/tables.py), not template loops.
        context.update(data=data, charts=charts, chart_tables=tables,
                       metric_names=[metric_label(m) for m in metrics], html={
            "posts": tables_html.post_table_body(data["post_rows"], metrics, slug),
            "bottom": tables_html.top_table_body(data["bottom"], slug,
                                                 impressions="impressions" in metrics),
            "heatmap": tables_html.heatmap_body(data["heatmap"], context["weekdays"]),
        })
    return render(request, "analytics/dashboard.html", context)


@org_view("analytics.view")
@require_GET
def target_history(request, pk: int):
    """Every snapshot of one post on one account: the provenance of its figures."""
    _form, _scope, visible = scope_from_request(request)
    row = get_object_or_404(
        TargetMetrics.objects.for_org(request.organization)
        .select_related("account", "post", "target"),
        target_id=pk, account_id__in=[a.pk for a in visible])
    snapshots = (PostMetricSnapshot.objects.for_org(request.organization)
                 .filter(target_id=pk).order_by("fetched_at"))
    return render(request, "analytics/target.html", {"row": row, "snapshots": snapshots,
                                                     "metric_names": POST_METRIC_NAMES})
