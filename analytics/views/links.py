from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.selectors import accounts_for_member
from accounts.tenancy import org_view
from analytics.models import ShortLink
from analytics.selectors.links import links_page
from analytics.services.links import short_link_follow, short_link_set_enabled, short_url
from analytics.utm import link_rules

PAGE_SIZE = 25


@never_cache
@require_http_methods(["GET", "HEAD"])
def follow(request, code: str):
    """/l/<code>: the public redirect. No cookie, nothing about the visitor is stored."""
    url = short_link_follow(code, request)
    if url is None:
        raise Http404
    response = HttpResponseRedirect(url)
    response["Referrer-Policy"] = "no-referrer-when-downgrade"
    response["X-Robots-Tag"] = "noindex"
    return response


@org_view("analytics.view")
@require_GET
def links(request):
    """The organisation's short links on the accounts the member sees, with their clicks."""
    account_ids = [a.pk for a in accounts_for_member(request.membership)]
    page = Paginator(links_page(request.organization, account_ids), PAGE_SIZE).get_page(
        request.GET.get("page"))
    rows = [{"link": link, "short": short_url(link.code)} for link in page]
    return render(request, "analytics/links.html",
                  {"page": page, "rows": rows, "rules": link_rules(request.organization),
                   "can_switch": request.membership.can("post.publish")})


@org_view("post.publish")
@require_POST
def link_switch(request, pk: int):
    """Disable (the link answers 404) or enable one of the organisation's links."""
    visible = [a.pk for a in accounts_for_member(request.membership)]
    link = get_object_or_404(ShortLink.objects.for_org(request.organization),
                             pk=pk, account_id__in=visible)
    enabled = request.POST.get("enabled") == "1"
    short_link_set_enabled(organization=request.organization, actor=request.user,
                           link_id=link.pk, enabled=enabled, request=request)
    text = (_("The link %(link)s is enabled again.") if enabled
            else _("The link %(link)s is disabled; it now answers “not found”."))
    messages.success(request, text % {"link": short_url(link.code)})
    return redirect("analytics_links", org_slug=request.organization.slug)
