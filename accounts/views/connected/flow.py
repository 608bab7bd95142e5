"""Generic connect flow, driven only by the Provider contract.

start (OAuth redirect, instance URL or credentials) -> platform -> the installation-wide
callback -> the organisation's callback -> connect (or pick among several accounts).
A denied, tampered or stale callback shows a clear message and connects nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import AccountStatus
from accounts.services import ServiceError, account_connect, account_reconnected
from accounts.tenancy import org_view
from accounts.views.connected import flowstate
from accounts.views.connected.common import (
    account_or_404,
    call_provider,
    provider_or_404,
    redirect_uri,
)
from accounts.views.connected.forms import CredentialsForm, InstanceForm
from platforms.errors import ProviderError, Rejected


def _list_url(request):
    return redirect("connected_accounts", org_slug=request.organization.slug)


def _error_message(exc: ProviderError) -> str:
    if isinstance(exc, Rejected):
        return exc.reason
    return _("The platform could not be reached (%(error)s). Please try again in a moment.") % {
        "error": exc.message or type(exc).__name__}


@org_view("channels.manage")
@require_POST
def connect_start(request, provider_key: str):
    """Begin connecting (or reconnecting, with `account` in the POST) an account."""
    from accounts.views.connected.pages import render_connect_page

    provider = provider_or_404(provider_key)
    account = None
    if request.POST.get("account"):
        account = account_or_404(request, int(request.POST["account"]) if
                                 request.POST["account"].isdigit() else 0)
    form = None
    form_data: dict = {}
    if provider.connect_kind in ("instance", "credentials"):
        form_class = InstanceForm if provider.connect_kind == "instance" else CredentialsForm
        form = form_class(request.POST)
        if not form.is_valid():
            return render_connect_page(request, provider, form=form, account=account, status=400)
        form_data = form.cleaned_data
    org = request.organization
    try:
        if provider.connect_kind == "credentials":
            result = call_provider(provider.connect_complete, redirect_uri="", state={},
                                   params=form_data, organization=org)
            return _finish(request, provider, result, account_id=account.pk if account else None)
        start = call_provider(provider.connect_start, redirect_uri=redirect_uri(provider.key),
                              form_data=form_data, organization=org)
    except ProviderError as exc:
        if form is not None:
            form.add_error(None, _error_message(exc))
            return render_connect_page(request, provider, form=form, account=account, status=400)
        messages.error(request, _error_message(exc))
        return redirect("connect_page", org_slug=org.slug, provider_key=provider.key)
    flowstate.remember(request.session, provider.key, org_slug=org.slug, state=start.state,
                       account_id=account.pk if account else None)
    return _handoff(request, provider, start.redirect_url)


def _handoff(request, provider, url: str):
    """Send the browser on to the platform from a page of ours, not with a redirect.

    Our CSP says `form-action 'self'`, and Chrome applies it to every redirect that follows
    a form submission, so a 302 from this POST to the platform is blocked. A page that
    navigates on (meta refresh, plus a link) is a new navigation, not a form submission.
    """
    response = render(request, "accounts/connected/handoff.html",
                      {"provider": provider, "redirect_url": url})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def connect_callback(request, provider_key: str):
    """The one redirect URI of this installation: hand over to the organisation's callback."""
    org_slug = flowstate.peek_org(request.session, provider_key)
    if not org_slug:
        messages.error(request, _("This sign-in was not started here or has expired, so nothing "
                                  "was connected. Please start connecting again."))
        return redirect("home")
    query = request.META.get("QUERY_STRING", "")
    target = f"/o/{org_slug}/settings/accounts/connect/{provider_key}/callback/"
    return redirect(f"{target}?{query}" if query else target)


@org_view("channels.manage")
def connect_callback_org(request, provider_key: str):
    provider = provider_or_404(provider_key)
    org = request.organization
    remembered = flowstate.recall(request.session, provider.key, org_slug=org.slug)
    if remembered is None:
        messages.error(request, _("This sign-in was not started here or has expired, so nothing "
                                  "was connected. Please start connecting again."))
        return redirect("connect_page", org_slug=org.slug, provider_key=provider.key)
    state, account_id = remembered
    params = {k: request.GET.get(k, "") for k in request.GET}
    expected = str(state.get("state") or "")
    if not expected or params.get("state") != expected:
        # Checked here too, so no provider can forget it. A denial carries the state back.
        messages.error(request, _("The sign-in could not be verified (it expired or was "
                                  "tampered with). Nothing was connected."))
        return redirect("connect_page", org_slug=org.slug, provider_key=provider.key)
    try:
        result = call_provider(provider.connect_complete, redirect_uri=redirect_uri(provider.key),
                               state=state, params=params, organization=org)
    except ProviderError as exc:
        messages.error(request, _error_message(exc))
        return redirect("connect_page", org_slug=org.slug, provider_key=provider.key)
    return _finish(request, provider, result, account_id=account_id)


def _finish(request, provider, result, *, account_id: int | None):
    org = request.organization
    if result.choices and account_id is None:
        flowstate.store_choices(request.session, provider.key, org_slug=org.slug,
                                choices=result.choices, account_id=account_id)
        return redirect("connect_choose", org_slug=org.slug, provider_key=provider.key)
    if result.choices:  # reconnecting: use the choice that is this account
        account = account_or_404(request, account_id)
        result = next((c for c in result.choices
                       if c.account.external_id == account.external_id), result)
    try:
        if account_id is not None:
            account = account_reconnected(account=account_or_404(request, account_id),
                                          result=result, actor=request.user, request=request)
            messages.success(request, _("%(name)s is reconnected.") % {"name": account.name})
        else:
            account = account_connect(organization=org, provider_key=provider.key,
                                      result=result, actor=request.user, request=request)
            messages.success(request, _("%(name)s is connected.") % {"name": account.name})
    except ServiceError as exc:
        messages.error(request, exc.message)
    return _list_url(request)


@org_view("channels.manage")
def connect_choose(request, provider_key: str):
    """Pick which of the accounts one login offers to connect (pages, organisations …)."""
    provider = provider_or_404(provider_key)
    org = request.organization
    loaded = flowstate.load_choices(request.session, provider.key, org_slug=org.slug)
    if loaded is None:
        messages.error(request, _("This choice has expired. Please start connecting again."))
        return redirect("connect_page", org_slug=org.slug, provider_key=provider.key)
    choices, _account_id = loaded
    error = ""
    if request.method == "POST":
        picked = [c for i, c in enumerate(choices) if str(i) in request.POST.getlist("choice")]
        if not picked:
            error = _("Choose at least one account.")
        else:
            flowstate.clear_choices(request.session, provider.key)
            for choice in picked:
                try:
                    account = account_connect(organization=org, provider_key=provider.key,
                                              result=choice, actor=request.user,
                                              request=request)
                    messages.success(request, _("%(name)s is connected.") % {
                        "name": account.name})
                except ServiceError as exc:
                    messages.error(request, exc.message)
            return _list_url(request)
    connected = set(org.connected_accounts.connected().filter(provider=provider.key)
                    .exclude(status=AccountStatus.NEEDS_RECONNECT)
                    .values_list("external_id", flat=True))
    rows = [{"index": i, "label": c.label or c.account.display_name or c.account.handle,
             "handle": c.account.handle, "connected": c.account.external_id in connected}
            for i, c in enumerate(choices)]
    return render(request, "accounts/connected/choose.html",
                  {"provider": provider, "rows": rows, "error": error},
                  status=400 if error else 200)
