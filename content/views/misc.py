"""Notifications, snippets and labels."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.tenancy import org_view
from content.forms import LabelForm, SnippetForm
from content.models import Label, Notification, Snippet
from content.services.library import label_create, label_delete, snippet_create, snippet_delete
from content.services.notifications import notifications_mark_read


@org_view("org.view")
def notifications(request):
    items = Notification.objects.filter(user=request.user, organization=request.organization) \
        .select_related("post")[:100]
    return render(request, "content/notifications.html", {"items": items})


@org_view("org.view")
@require_POST
def notifications_read(request):
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
    notifications_mark_read(user=request.user, organization=request.organization, ids=ids)
    return redirect("notifications", org_slug=request.organization.slug)


@org_view("post.edit")
def snippets(request):
    form = SnippetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        snippet_create(organization=request.organization, actor=request.user,
                       **form.cleaned_data)
        messages.success(request, _("Snippet saved."))
        return redirect("snippets", org_slug=request.organization.slug)
    return render(request, "content/snippets.html", {
        "form": form, "snippets": Snippet.objects.for_org(request.organization),
        "label_form": LabelForm(), "labels": Label.objects.for_org(request.organization),
    }, status=400 if form.errors else 200)


@org_view("post.edit")
@require_POST
def snippet_delete_view(request, pk: int):
    snippet = get_object_or_404(Snippet.objects.for_org(request.organization), pk=pk)
    snippet_delete(snippet=snippet, actor=request.user)
    messages.success(request, _("Snippet deleted."))
    return redirect("snippets", org_slug=request.organization.slug)


@org_view("post.edit")
@require_POST
def label_create_view(request):
    form = LabelForm(request.POST)
    if form.is_valid():
        from accounts.services.errors import ServiceError

        try:
            label_create(organization=request.organization, actor=request.user,
                         **form.cleaned_data)
            messages.success(request, _("Label saved."))
        except ServiceError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Give the label a name and a colour."))
    return redirect("snippets", org_slug=request.organization.slug)


@org_view("post.edit")
@require_POST
def label_delete_view(request, pk: int):
    label = get_object_or_404(Label.objects.for_org(request.organization), pk=pk)
    label_delete(label=label, actor=request.user)
    messages.success(request, _("Label deleted."))
    return redirect("snippets", org_slug=request.organization.slug)
