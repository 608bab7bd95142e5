from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.tenancy import org_view
from analytics.forms import AnalyticsSettingsForm
from analytics.services.links import short_url
from analytics.services.settings import analytics_settings_for, analytics_settings_update


@org_view("org.settings")
def analytics_settings_view(request):
    current = analytics_settings_for(request.organization)
    form = AnalyticsSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        analytics_settings_update(organization=request.organization, actor=request.user,
                                  request=request, **form.cleaned_data)
        messages.success(request, _("Analytics settings saved."))
        return redirect("analytics_settings", org_slug=request.organization.slug)
    return render(request, "analytics/settings.html",
                  {"form": form, "short_example": short_url("7kQm2xRtP")})
