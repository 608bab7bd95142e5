from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.services.errors import ServiceError
from accounts.tenancy import org_view
from assistant.forms import AssistantSettingsForm
from assistant.services.settings import assistant_settings_for, assistant_settings_update
from assistant.services.usage import month_usage


@org_view("org.settings")
def assistant_settings_view(request):
    org = request.organization
    current = assistant_settings_for(org)
    form = AssistantSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assistant_settings_update(
                organization=org, actor=request.user, request=request,
                enabled=data["enabled"], base_url=data["base_url"], model=data["model"],
                accepts_images=data["accepts_images"], limit_kind=data["limit_kind"],
                monthly_limit=data["monthly_limit"], api_key=data.get("api_key", ""),
                remove_api_key=data.get("remove_api_key", False),
                send_usage_option=data["send_usage_option"])
        except ServiceError as exc:
            form.add_error("base_url" if exc.code == "unsafe_url" else None, exc.message)
        else:
            messages.success(request, _("Writing assistant settings saved."))
            return redirect("assistant_settings", org_slug=org.slug)
    saved = assistant_settings_for(org)
    return render(request, "assistant/settings.html", {
        "form": form, "saved": saved, "usage": month_usage(org, saved),
    })
