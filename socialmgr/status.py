from django.contrib import messages
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.tenancy import org_view
from ops.services import health_report, worker_status
from ops.tasks import heartbeat


@never_cache
def healthz(request):
    """For load balancers and monitors: 200 when the database and broker answer, 503 otherwise."""
    from content.pipeline.watchdog import scheduler_check

    report = health_report()
    # The publishing scheduler watches itself: stale dispatcher, no worker, overdue posts.
    problems = scheduler_check() if report["database"]["ok"] else []
    report["scheduler"] = {"ok": not problems}
    ok = all(part["ok"] for part in report.values())
    body = {"status": "ok" if ok else "error",
            **{name: {"ok": part["ok"]} for name, part in report.items()}}
    if problems:
        body["scheduler"]["problems"] = [p.code for p in problems]
    return JsonResponse(body, status=200 if ok else 503)


@org_view("ops.view")
def system_status(request):
    from lib.netguard import allowance

    context = {"health": health_report(), "workers": worker_status(),
               "outbound": allowance()}
    template = ("ops/_status.html" if request.headers.get("HX-Request")
                else "ops/system_status.html")
    return render(request, template, context)


@org_view("ops.view")
@require_POST
def run_health_check(request):
    transaction.on_commit(lambda: heartbeat.delay(requested_by=request.user.email))
    messages.info(request, _("Health check queued. A worker should answer within seconds."))
    return redirect("system_status", org_slug=request.organization.slug)
