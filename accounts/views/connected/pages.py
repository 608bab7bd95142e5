"""The accounts page, a platform's connect page, and account management actions."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import PlatformApp
from accounts.selectors import accounts_for_member
from accounts.services import (
    ServiceError,
    account_disable,
    account_disconnect,
    account_enable,
    account_publishing_quotas,
    account_rename,
    platform_app_delete,
    platform_app_save,
    platform_credentials,
)
from accounts.tenancy import org_view
from accounts.views.connected.common import (
    account_or_404,
    available_providers,
    call_provider,
    logo_path,
    provider_or_404,
    redirect_uri,
)
from accounts.views.connected.forms import (
    CredentialsForm,
    InstanceForm,
    PlatformAppForm,
    RenameForm,
)
from platforms.errors import NotSupported, ProviderError


@org_view("org.view")
def connected_accounts(request):
    """Every member sees the accounts they may use; admins manage them."""
    membership = request.membership
    accounts = list(accounts_for_member(membership))
    providers = {p.key: p for p in available_providers()}
    for account in accounts:
        provider = providers.get(account.provider)
        account.platform_name = (provider.platform_label(account) if provider
                                 else account.provider)
        account.logo = logo_path(account.provider)
        account.quotas = [_quota_text(q) for q in account_publishing_quotas(account=account)]
    context = {
        "accounts": accounts,
        "providers": [{"key": p.key, "name": p.name, "logo": logo_path(p.key)}
                      for p in available_providers()],
        "can_manage": membership.can("channels.manage"),
    }
    if context["can_manage"]:
        from accounts.views.connected.access import access_rows

        context["access_rows"] = access_rows(request.organization)
    return render(request, "accounts/connected/list.html", context)


def _quota_text(quota) -> dict:
    hours = max(1, quota.window_seconds // 3600)
    if quota.kind == "replies":
        text = ngettext("%(used)s of %(total)s replies in the last %(hours)d hour",
                        "%(used)s of %(total)s replies in the last %(hours)d hours", hours)
    else:
        text = ngettext("%(used)s of %(total)s posts in the last %(hours)d hour",
                        "%(used)s of %(total)s posts in the last %(hours)d hours", hours)
    numbers = {"used": number_format(quota.used, force_grouping=True),
               "total": number_format(quota.total, force_grouping=True)}
    return {"text": text % {**numbers, "hours": hours},
            "exhausted": quota.exhausted}


def render_connect_page(request, provider, *, form=None, account=None, app_form=None,
                        checks=None, status=200):
    org = request.organization
    if form is None and provider.connect_kind == "instance":
        initial = {"instance_url": (account.settings.get("instance_url", "")
                                    if account else "")}
        form = InstanceForm(initial=initial)
    elif form is None and provider.connect_kind == "credentials":
        form = CredentialsForm(initial={
            "identifier": account.handle.lstrip("@") if account else "",
            "pds_url": (account.settings or {}).get("chosen_pds_url", "") if account else ""})
    uri = redirect_uri(provider.key)
    help_ = provider.setup_help(redirect_uri=uri)
    app = PlatformApp.objects.filter(organization=org, provider=provider.key).first()
    credentials = platform_credentials(provider.key, org) if help_ and help_.needs_credentials \
        else None
    context = {
        "provider": provider, "logo": logo_path(provider.key), "form": form,
        "account": account, "setup": help_, "redirect_uri": uri,
        "app": app, "credentials_source": credentials.source if credentials else "",
        "app_form": app_form or PlatformAppForm(initial={"client_id": app.client_id}
                                                if app else None),
        "checks": checks,
        "can_check": type(provider).check_setup is not _base_check_setup(),
    }
    return render(request, "accounts/connected/connect.html", context, status=status)


def _base_check_setup():
    from platforms.base import Provider

    return Provider.check_setup


@org_view("channels.manage")
def connect_page(request, provider_key: str):
    provider = provider_or_404(provider_key)
    account = None
    if request.GET.get("account", "").isdigit():
        account = account_or_404(request, int(request.GET["account"]))
    return render_connect_page(request, provider, account=account)


@org_view("channels.manage")
@require_POST
def platform_app_view(request, provider_key: str):
    provider = provider_or_404(provider_key)
    org = request.organization
    if request.POST.get("action") == "delete":
        platform_app_delete(organization=org, provider_key=provider.key, actor=request.user,
                            request=request)
        messages.success(request, _("The app settings were removed."))
        return redirect("connect_page", org_slug=org.slug, provider_key=provider.key)
    form = PlatformAppForm(request.POST)
    if not form.is_valid():
        return render_connect_page(request, provider, app_form=form, status=400)
    try:
        platform_app_save(organization=org, provider_key=provider.key,
                          client_id=form.cleaned_data["client_id"],
                          client_secret=form.cleaned_data["client_secret"],
                          actor=request.user, request=request)
    except ServiceError as exc:
        form.add_error(None, exc.message)
        return render_connect_page(request, provider, app_form=form, status=400)
    messages.success(request, _("The app settings were saved."))
    return redirect("connect_page", org_slug=org.slug, provider_key=provider.key)


@org_view("channels.manage")
@require_POST
def check_setup_view(request, provider_key: str):
    """The *test the setup* button: the provider checks what the platform lets it check."""
    from platforms.base import SetupCheck

    provider = provider_or_404(provider_key)
    try:
        checks = call_provider(provider.check_setup, redirect_uri=redirect_uri(provider.key),
                               organization=request.organization)
    except NotSupported:
        checks = [SetupCheck("ok", _("There is nothing to set up for this platform."))]
    except ProviderError as exc:
        checks = [SetupCheck("error", getattr(exc, "reason", "") or exc.message
                             or _("The platform could not be reached."))]
    if request.headers.get("HX-Request"):
        return render(request, "accounts/connected/_checks.html", {"checks": checks})
    return render_connect_page(request, provider, checks=checks)


def _account_action(request, pk: int, action, success: str):
    account = account_or_404(request, pk)
    try:
        action(account=account, actor=request.user, request=request)
        messages.success(request, success % {"name": account.name})
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("connected_accounts", org_slug=request.organization.slug)


@org_view("channels.manage")
@require_POST
def account_disable_view(request, pk: int):
    return _account_action(request, pk, account_disable,
                           _("%(name)s is disabled. Its scheduled posts wait until you "
                             "enable it again."))


@org_view("channels.manage")
@require_POST
def account_enable_view(request, pk: int):
    return _account_action(request, pk, account_enable, _("%(name)s is enabled."))


@org_view("channels.manage")
@require_POST
def account_disconnect_view(request, pk: int):
    return _account_action(request, pk, account_disconnect,
                           _("%(name)s is disconnected. Its posts and statistics are kept."))


@org_view("channels.manage")
@require_POST
def account_rename_view(request, pk: int):
    account = account_or_404(request, pk)
    form = RenameForm(request.POST)
    if form.is_valid():
        try:
            account_rename(account=account, label=form.cleaned_data["label"],
                           actor=request.user, request=request)
            messages.success(request, _("The account is now called %(name)s.")
                             % {"name": account.name})
        except ServiceError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Use at most 100 characters."))
    return redirect("connected_accounts", org_slug=request.organization.slug)

