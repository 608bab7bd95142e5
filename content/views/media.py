"""Media library: upload (picker or drag-and-drop), describe, find, reuse."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.services.errors import ServiceError
from accounts.tenancy import org_view
from content.forms import MediaEditForm, MediaUploadForm
from content.models import MediaAsset
from content.services.media import media_delete, media_update, media_upload
from content.views.common import is_htmx


def _search(request):
    qs = MediaAsset.objects.for_org(request.organization).prefetch_related("renditions")
    q = request.GET.get("q", "").strip()
    folder = request.GET.get("folder", "").strip()
    if q:
        qs = qs.filter(Q(original_name__icontains=q) | Q(alt_text__icontains=q)
                       | Q(tags__icontains=q) | Q(attribution__icontains=q))
    if folder:
        qs = qs.filter(folder=folder)
    return qs, q, folder


@org_view("post.view")
def media_library(request):
    qs, q, folder = _search(request)
    folders = (MediaAsset.objects.for_org(request.organization).exclude(folder="")
               .values_list("folder", flat=True).distinct().order_by("folder"))
    form = MediaUploadForm()
    if request.method == "POST":
        return _upload(request)
    return render(request, "content/media_library.html", {
        "assets": qs[:200], "q": q, "folder": folder, "folders": list(folders), "form": form})


@org_view("media.edit")
@require_POST
def media_upload_view(request):
    return _upload(request)


def _upload(request):
    form = MediaUploadForm(request.POST, request.FILES)
    asset = None
    if form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        try:
            asset = media_upload(organization=request.organization, actor=request.user,
                                 upload=upload, **data)
        except ServiceError as exc:
            form.add_error("file", exc.message)
    if is_htmx(request):
        status = 200 if asset else 400
        return render(request, "content/_media_upload_result.html",
                      {"asset": asset, "form": form}, status=status)
    if asset is not None:
        messages.success(request, _("Uploaded."))
        return redirect("media_library", org_slug=request.organization.slug)
    qs, q, folder = _search(request)
    return render(request, "content/media_library.html",
                  {"assets": qs[:200], "q": q, "folder": folder, "folders": [], "form": form},
                  status=400)


@org_view("media.edit")
def media_edit(request, pk: int):
    asset = get_object_or_404(MediaAsset.objects.for_org(request.organization), pk=pk)
    form = MediaEditForm(request.POST or None, initial={
        f: getattr(asset, f) for f in ("alt_text", "source", "licence", "own_work",
                                       "attribution", "folder", "tags")})
    if request.method == "POST" and form.is_valid():
        media_update(asset=asset, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("media_library", org_slug=request.organization.slug)
    return render(request, "content/media_edit.html", {"asset": asset, "form": form},
                  status=400 if form.errors else 200)


@org_view("media.edit")
@require_POST
def media_delete_view(request, pk: int):
    asset = get_object_or_404(MediaAsset.objects.for_org(request.organization), pk=pk)
    try:
        media_delete(asset=asset, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Deleted."))
    return redirect("media_library", org_slug=request.organization.slug)


@org_view("post.edit")
def media_picker(request):
    """htmx fragment for the composer: search the library and pick files."""
    qs, q, _folder = _search(request)
    return render(request, "content/_media_picker.html", {"library": qs[:60], "q": q})
