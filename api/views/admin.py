"""Settings pages: API tokens and webhooks (admins). Thin: every change is a service call."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.services.errors import ServiceError
from accounts.tenancy import org_view
from api.forms import TokenForm, WebhookForm
from api.models import ApiToken, WebhookDelivery, WebhookEndpoint
from api.services.tokens import api_token_create, api_token_revoke
from api.services.webhooks import (
    webhook_delivery_resend,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
)


@org_view("org.settings")
def tokens(request):
    org = request.organization
    form = TokenForm(request.POST or None, actor_role=request.membership.role)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = api_token_create(
                organization=org, actor=request.user, name=form.cleaned_data["name"],
                role=form.cleaned_data["role"], expires_at=form.expires_at(), request=request)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            form = TokenForm(actor_role=request.membership.role)
    status = 200 if request.method == "GET" or issued else 400
    return render(request, "api/tokens.html", {
        "form": form, "issued": issued,
        # AI agents use the same tokens over MCP (mcp_server/, mounted by the project urls).
        "mcp_url": request.build_absolute_uri(reverse("mcp")),
        "tokens": ApiToken.objects.for_org(org).select_related("created_by"),
    }, status=status)


@org_view("org.settings")
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken.objects.for_org(request.organization), pk=pk)
    try:
        api_token_revoke(token=token, actor=request.user, request=request)
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("api_tokens", org_slug=request.organization.slug)


@org_view("org.settings")
def webhooks(request):
    org = request.organization
    form = WebhookForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            _endpoint, secret = webhook_endpoint_create(
                organization=org, actor=request.user, url=d["url"], events=d["events"],
                description=d["description"], is_active=d["is_active"], request=request)
        except ServiceError as exc:
            form.add_error("url" if exc.code == "unsafe_url" else None, exc.message)
        else:
            form = WebhookForm()
    status = 200 if request.method == "GET" or secret else 400
    return render(request, "api/webhooks.html", {
        "form": form, "secret": secret,
        "endpoints": WebhookEndpoint.objects.for_org(org),
    }, status=status)


def _endpoint(request, pk: int) -> WebhookEndpoint:
    return get_object_or_404(WebhookEndpoint.objects.for_org(request.organization), pk=pk)


@org_view("org.settings")
def webhook_detail(request, pk: int):
    endpoint = _endpoint(request, pk)
    initial = {"url": endpoint.url, "description": endpoint.description,
               "events": endpoint.events, "is_active": endpoint.is_active}
    form = WebhookForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                webhook_endpoint_update(endpoint=endpoint, actor=request.user, url=d["url"],
                                        events=d["events"], description=d["description"],
                                        is_active=d["is_active"], request=request)
                messages.success(request, _("The webhook was saved."))
                return redirect("api_webhook_detail", org_slug=request.organization.slug,
                                pk=endpoint.pk)
            except ServiceError as exc:
                form.add_error("url" if exc.code == "unsafe_url" else None, exc.message)
        status = 400
    deliveries = Paginator(WebhookDelivery.objects.for_org(request.organization)
                           .filter(endpoint=endpoint), 50).get_page(request.GET.get("page"))
    return render(request, "api/webhook_detail.html", {
        "endpoint": endpoint, "form": form, "deliveries": deliveries}, status=status)


@org_view("org.settings")
@require_POST
def webhook_rotate(request, pk: int):
    endpoint = _endpoint(request, pk)
    secret = webhook_endpoint_rotate_secret(endpoint=endpoint, actor=request.user,
                                            request=request)
    return render(request, "api/webhook_secret.html", {"endpoint": endpoint, "secret": secret})


@org_view("org.settings")
@require_POST
def webhook_delete(request, pk: int):
    webhook_endpoint_delete(endpoint=_endpoint(request, pk), actor=request.user, request=request)
    messages.success(request, _("The webhook was deleted."))
    return redirect("api_webhooks", org_slug=request.organization.slug)


@org_view("org.settings")
@require_POST
def delivery_resend(request, pk: int):
    delivery = get_object_or_404(
        WebhookDelivery.objects.for_org(request.organization).select_related("endpoint"), pk=pk)
    webhook_delivery_resend(delivery=delivery, actor=request.user, request=request)
    messages.success(request, _("The event is being sent again."))
    return redirect("api_webhook_detail", org_slug=request.organization.slug,
                    pk=delivery.endpoint_id)
