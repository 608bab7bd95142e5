"""CSV import page (upload, all-or-nothing import with a per-row error report, template) and
the export of posts in the same columns."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.tenancy import org_view
from content.services.csv_import import MAX_BYTES, csv_import, template_csv
from content.services.post_export import FORMATS, posts_export


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"), help_text=gettext_lazy(
        "CSV (UTF-8, comma or semicolon separated) or JSON as exported here; at most 1,000 "
        "rows and 2 MB."))


@org_view("post.edit")
def csv_import_view(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read(MAX_BYTES + 1)
        result = csv_import(organization=request.organization, actor=request.user,
                            content=content, site=request.build_absolute_uri("/"))
        if result.ok:
            messages.success(request, _("%(count)d posts imported.")
                             % {"count": len(result.posts)})
            return redirect("calendar", org_slug=request.organization.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "content/import.html", {
        "form": form, "result": result,
        "tz_name": request.organization.timezone,
    }, status=status)


@org_view("post.edit")
def csv_template_view(request):
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="socialmgr-import-template.csv"'
    return response


@org_view("post.view")
def posts_export_view(request, fmt: str):
    """?scope=planned (drafts and posts still to go out, the default) or all."""
    if fmt not in FORMATS:
        raise Http404
    export = posts_export(organization=request.organization, actor=request.user, fmt=fmt,
                          scope=request.GET.get("scope", "planned"),
                          site=request.build_absolute_uri("/"))
    response = HttpResponse(export.body, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
