"""Inbox settings: saved replies, automation rules, listening searches, privacy."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.audit import audit_record
from accounts.tenancy import org_view
from inbox import services
from inbox.forms import (
    AuthorRequestForm,
    AutomationRuleForm,
    InboxSettingsForm,
    SavedReplyForm,
    SavedSearchForm,
)
from inbox.models import (
    AutomationRule,
    InboxCursor,
    InboxSettings,
    SavedReply,
    SavedSearch,
    search_source,
)
from inbox.services.listening import saved_search_changed


def _back(request, anchor: str = ""):
    response = redirect("inbox_settings", org_slug=request.organization.slug)
    response["Location"] += anchor
    return response


def _page(request, status=200, **forms):
    org = request.organization
    settings_obj = InboxSettings.objects.filter(organization=org).first()
    context = {
        "saved_replies": SavedReply.objects.for_org(org),
        "rules": AutomationRule.objects.for_org(org).select_related("match_account", "assign_to"),
        "searches": _searches_with_status(org),
        "reply_form": forms.get("reply_form") or SavedReplyForm(prefix="reply"),
        "rule_form": forms.get("rule_form") or AutomationRuleForm(prefix="rule",
                                                                  organization=org),
        "search_form": forms.get("search_form") or SavedSearchForm(prefix="search",
                                                                   organization=org),
        "settings_form": forms.get("settings_form") or InboxSettingsForm(
            prefix="settings", instance=settings_obj),
        "author_form": forms.get("author_form") or AuthorRequestForm(prefix="author"),
    }
    return render(request, "inbox/settings.html", context, status=status)


def _searches_with_status(org) -> list[SavedSearch]:
    """Each search with, per account, how its polling stands (one query for all cursors)."""
    searches = list(SavedSearch.objects.for_org(org).prefetch_related("accounts"))
    cursors = {(c.source, c.account_id): c for c in InboxCursor.objects.filter(
        source__in=[search_source(s.pk) for s in searches])}
    for search in searches:
        search.listening_status = [
            (account, cursors.get((search_source(search.pk), account.pk)))
            for account in search.accounts.all()]
    return searches


@org_view("inbox.work")
def inbox_settings(request):
    """Everyone who works the inbox sees this page; only admins change rules and settings."""
    if request.method != "POST":
        return _page(request)
    org, section = request.organization, request.POST.get("section")
    if section == "reply":
        form = SavedReplyForm(request.POST, prefix="reply")
        if not form.is_valid():
            return _page(request, status=400, reply_form=form)
        form.instance.organization, form.instance.created_by = org, request.user
        form.save()
        audit_record(organization=org, actor=request.user, verb="inbox.saved_reply.created",
                     target=form.instance)
        messages.success(request, _("Saved reply added."))
        return _back(request, "#saved-replies")
    if not request.membership.can("inbox.manage"):
        raise PermissionDenied
    return _manage_post(request, org, section)


def _manage_post(request, org, section):
    if section == "rule":
        form = AutomationRuleForm(request.POST, prefix="rule", organization=org)
        if not form.is_valid():
            return _page(request, status=400, rule_form=form)
        form.instance.organization = org
        form.save()
        verb, anchor, msg = "inbox.rule.created", "#rules", _("Rule added.")
    elif section == "search":
        form = SavedSearchForm(request.POST, prefix="search", organization=org)
        if not form.is_valid():
            return _page(request, status=400, search_form=form)
        form.instance.organization, form.instance.created_by = org, request.user
        form.save()
        saved_search_changed(form.instance)
        verb, anchor, msg = "inbox.search.created", "#listening", _("Saved search added.")
    elif section == "settings":
        instance = InboxSettings.objects.filter(organization=org).first()
        form = InboxSettingsForm(request.POST, prefix="settings", instance=instance)
        if not form.is_valid():
            return _page(request, status=400, settings_form=form)
        form.instance.organization = org
        form.save()
        verb, anchor, msg = "inbox.settings.changed", "#settings", _("Settings saved.")
    else:
        return _page(request, status=400)
    audit_record(organization=org, actor=request.user, verb=verb, target=form.instance)
    messages.success(request, msg)
    return _back(request, anchor)


MODELS = {"reply": SavedReply, "rule": AutomationRule, "search": SavedSearch}


@org_view("inbox.work")
@require_POST
def inbox_settings_delete(request, kind: str, pk: int):
    model = MODELS.get(kind)
    if model is None:
        return _page(request, status=404)
    if kind != "reply" and not request.membership.can("inbox.manage"):
        raise PermissionDenied
    obj = get_object_or_404(model.objects.for_org(request.organization), pk=pk)
    audit_record(organization=request.organization, actor=request.user,
                 verb=f"inbox.{kind}.deleted", target=obj)
    obj.delete()
    messages.success(request, _("Deleted."))
    return _back(request)


@org_view("inbox.manage")
@require_POST
def inbox_privacy(request):
    """A data-subject request: export or erase everything stored about one author."""
    form = AuthorRequestForm(request.POST, prefix="author")
    if not form.is_valid():
        return _page(request, status=400, author_form=form)
    handle, org = form.cleaned_data["handle"], request.organization
    if form.cleaned_data["action"] == "export":
        data = services.inbox_author_export(organization=org, handle=handle, actor=request.user)
        response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False),
                                content_type="application/json")
        safe = "".join(c for c in handle if c.isalnum() or c in "._-") or "author"
        response["Content-Disposition"] = f'attachment; filename="inbox-{safe}.json"'
        return response
    count = services.inbox_author_erase(organization=org, handle=handle, actor=request.user)
    messages.success(request, _("%(n)s items by %(handle)s were erased.")
                     % {"n": count, "handle": handle})
    return _back(request, "#privacy")


EDIT_FORMS = {"reply": SavedReplyForm, "rule": AutomationRuleForm, "search": SavedSearchForm}
EDIT_ANCHORS = {"reply": "#saved-replies", "rule": "#rules", "search": "#listening"}


@org_view("inbox.work")
def inbox_settings_edit(request, kind: str, pk: int):
    """Change a saved reply (anyone who works the inbox), a rule or a saved search (admins)."""
    model, form_class = MODELS.get(kind), EDIT_FORMS.get(kind)
    if model is None:
        raise Http404
    if kind != "reply" and not request.membership.can("inbox.manage"):
        raise PermissionDenied
    org = request.organization
    obj = get_object_or_404(model.objects.for_org(org), pk=pk)
    extra = {} if kind == "reply" else {"organization": org}
    if request.method == "POST":
        form = form_class(request.POST, instance=obj, prefix="edit", **extra)
        if form.is_valid():
            form.save()
            if kind == "search":
                saved_search_changed(form.instance)
            audit_record(organization=org, actor=request.user, verb=f"inbox.{kind}.changed",
                         target=form.instance, details={"fields": form.changed_data})
            messages.success(request, _("Changes saved."))
            return _back(request, EDIT_ANCHORS[kind])
        status = 400
    else:
        form, status = form_class(instance=obj, prefix="edit", **extra), 200
    return render(request, "inbox/settings_edit.html", {
        "form": form, "kind": kind, "obj": obj, "anchor": EDIT_ANCHORS[kind],
    }, status=status)
