"""Restricting members to some of the organisation's accounts."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.models import AccountAccess, ConnectedAccount, Membership
from accounts.roles import role_allows
from accounts.services import ServiceError, account_access_set
from accounts.tenancy import org_view
from accounts.views.connected.forms import AccessForm


def access_rows(organization) -> list[dict]:
    """Members below admin, with the accounts they are limited to (empty: all)."""
    rows = []
    allowed: dict[int, list[str]] = {}
    for access in AccountAccess.objects.for_org(organization).select_related("account"):
        allowed.setdefault(access.membership_id, []).append(access.account.name)
    for m in (Membership.objects.filter(organization=organization).select_related("user")
              .order_by("user__email")):
        if not role_allows(m.role, "channels.manage"):
            rows.append({"membership": m, "accounts": sorted(allowed.get(m.pk, []))})
    return rows


@org_view("channels.manage")
def member_access(request, membership_pk: int):
    org = request.organization
    membership = get_object_or_404(Membership.objects.select_related("user"),
                                   organization=org, pk=membership_pk)
    if role_allows(membership.role, "channels.manage"):
        messages.info(request, _("Admins and owners always see every account."))
        return redirect("connected_accounts", org_slug=org.slug)
    accounts = list(ConnectedAccount.objects.for_org(org).connected())
    current = [str(pk) for pk in AccountAccess.objects.filter(membership=membership)
               .values_list("account_id", flat=True)]
    form = AccessForm(request.POST or None, accounts=accounts,
                      initial={"restricted": "yes" if current else "no", "accounts": current})
    if request.method == "POST" and form.is_valid():
        ids = [int(pk) for pk in form.cleaned_data["accounts"]] \
            if form.cleaned_data["restricted"] else []
        try:
            account_access_set(membership=membership, account_ids=ids, actor=request.user,
                               request=request)
            messages.success(request, _("Access for %(name)s was saved.")
                             % {"name": membership.user.display_name})
            return redirect("connected_accounts", org_slug=org.slug)
        except ServiceError as exc:
            form.add_error(None, exc.message)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/connected/access.html",
                  {"member": membership, "form": form}, status=status)
