from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.selectors import accounts_for_member
from accounts.tenancy import org_view
from analytics.services.links import short_url
from analytics.utm import TRAILING, URL_RE, campaign_for_labels, link_rules, utm_text


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


@org_view("post.edit")
@require_GET
def utm_preview(request):
    """The composer's links as they will be published, per platform (htmx fragment)."""
    org = request.organization
    text = request.GET.get("text", "")[:10000]
    rules = link_rules(org)
    if not rules or not URL_RE.search(text):
        return render(request, "analytics/_utm_preview.html", {"rows": []})
    campaign = campaign_for_labels(org, _ids(request.GET.getlist("labels"))) if rules.utm else ""
    chosen = set(_ids(request.GET.getlist("accounts")))
    providers = sorted({a.provider for a in accounts_for_member(request.membership)
                        if not chosen or a.pk in chosen})
    if rules.utm:
        rows = [(p, [m.group(0).rstrip(TRAILING) for m in URL_RE.finditer(
            utm_text(text, source=p, campaign=campaign))]) for p in providers]
    else:
        rows = [("", [m.group(0).rstrip(TRAILING) for m in URL_RE.finditer(text)])]
    return render(request, "analytics/_utm_preview.html",
                  {"rows": rows, "campaign": campaign, "rules": rules,
                   "short_example": short_url("…")})
