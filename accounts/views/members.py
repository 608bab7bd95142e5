"""Members and invitations."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import InvitationForm, RoleForm
from accounts.models import Invitation, Membership
from accounts.roles import grantable_roles
from accounts.selectors import member_list
from accounts.services import (
    ServiceError,
    invitation_create,
    invitation_revoke,
    member_change_role,
    member_remove,
)
from accounts.tenancy import org_view


@org_view("org.view")
def members(request):
    org = request.organization
    can_manage = request.membership.can("members.manage")
    context = {
        "memberships": member_list(org),
        "invitations": Invitation.objects.for_org(org).pending().select_related("invited_by")
        if can_manage else [],
        "invite_form": InvitationForm(actor_role=request.membership.role),
        "grantable": grantable_roles(request.membership.role),
        "can_manage": can_manage,
    }
    return render(request, "accounts/members.html", context)


@org_view("invitations.manage")
@require_POST
def invitation_create_view(request):
    form = InvitationForm(request.POST, actor_role=request.membership.role)
    if form.is_valid():
        try:
            invitation_create(actor_membership=request.membership, request=request,
                              **form.cleaned_data)
        except ServiceError as error:
            form.add_error("email", error.message)
        else:
            messages.success(request, _("Invitation sent to %(email)s.")
                             % {"email": form.cleaned_data["email"]})
            return redirect("members", org_slug=request.organization.slug)
    org = request.organization
    return render(request, "accounts/members.html", {
        "memberships": member_list(org),
        "invitations": Invitation.objects.for_org(org).pending(),
        "invite_form": form,
        "grantable": grantable_roles(request.membership.role),
        "can_manage": True,
    }, status=400)


@org_view("invitations.manage")
@require_POST
def invitation_revoke_view(request, pk):
    invitation = get_object_or_404(Invitation.objects.for_org(request.organization), pk=pk)
    try:
        invitation_revoke(actor_membership=request.membership, invitation=invitation,
                          request=request)
        messages.success(request, _("Invitation withdrawn."))
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("members", org_slug=request.organization.slug)


@org_view("members.manage")
@require_POST
def member_role_view(request, pk):
    membership = get_object_or_404(
        Membership.objects.filter(organization=request.organization), pk=pk
    )
    form = RoleForm(request.POST, actor_role=request.membership.role)
    if not form.is_valid():
        messages.error(request, _("Please choose a valid role."))
    else:
        try:
            member_change_role(actor_membership=request.membership, membership=membership,
                               role=form.cleaned_data["role"], request=request)
            messages.success(request, _("Role of %(user)s changed to %(role)s.") % {
                "user": membership.user, "role": membership.get_role_display()})
        except ServiceError as error:
            messages.error(request, error.message)
    return redirect("members", org_slug=request.organization.slug)


@org_view("members.manage")
@require_POST
def member_remove_view(request, pk):
    membership = get_object_or_404(
        Membership.objects.filter(organization=request.organization), pk=pk
    )
    try:
        member_remove(actor_membership=request.membership, membership=membership,
                      request=request)
        messages.success(request, _("%(user)s was removed.") % {"user": membership.user})
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("members", org_slug=request.organization.slug)
