"""The organisation's settings and leaving it."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import OrganizationForm
from accounts.models import Membership
from accounts.services import ServiceError, member_leave, organization_update
from accounts.tenancy import org_view


@org_view("org.settings")
def organization_settings(request):
    org = request.organization
    form = OrganizationForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        # Re-read so a failed save cannot leave the cached instance half-changed.
        org.refresh_from_db()
        organization_update(organization=org, actor=request.user, request=request,
                            **form.cleaned_data)
        messages.success(request, _("Settings saved."))
        return redirect("organization_settings", org_slug=org.slug)
    if request.method == "POST":
        org.refresh_from_db()
    return render(request, "accounts/organization_settings.html", {"form": form})


@org_view("org.view")
@require_POST
def organization_leave(request):
    membership: Membership = request.membership
    try:
        member_leave(membership=membership, request=request)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("members", org_slug=request.organization.slug)
    messages.success(request, _("You left %(org)s.") % {"org": request.organization.name})
    return redirect("home")
