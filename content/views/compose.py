"""The composer: a plain POST form (works without JavaScript) enhanced by composer.js."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import ConnectedAccount
from accounts.services.errors import ServiceError
from accounts.tenancy import org_view
from content.forms import ComposeForm
from content.models import Label, MediaAsset, Post, Snippet
from content.selectors import accounts_off_limits, usable_accounts
from content.services.access import membership_of, steps_for
from content.services.link_preview import first_url, link_preview_fetch
from content.services.parts import (
    first_comment_of,
    split_for_accounts,
    takes_first_comment,
    takes_threads,
)
from content.services.posts import post_create, post_update
from content.services.recurrence import recurrence_occurrence_detach
from content.services.validation import problems_for
from content.services.workflow import post_publish_now, post_schedule, post_submit
from content.views.common import get_post
from content.views.compose_actions import composer_buttons
from content.views.queue import queue_post
from content.workflows import Action, PostState, refusal

# Platform logos vendored from simple-icons (scripts/vendor_assets.py).
LOGOS = {"bluesky", "facebook", "instagram", "mastodon", "threads", "x"}


def _limits(account) -> dict:
    """The account's counting rules for composer.js (the server re-checks with validate())."""
    from platforms.errors import ProviderError
    from platforms.registry import UnknownProvider, get_provider

    try:
        provider = get_provider(account.provider)
        limits = provider.limits(account)
    except (ImportError, UnknownProvider, ProviderError):
        # Unknown limits (or the instance did not answer): the server's validate() still runs.
        return {}
    return {"max": limits.max_chars, "counting": limits.counting,
            "url_length": limits.url_length, "max_bytes": limits.max_bytes,
            "max_media": limits.max_media, "alt_max": limits.alt_text_max,
            "network": str(provider.platform_label(account))}


def _tz_name(request) -> str:
    return timezone.get_current_timezone_name() or request.organization.timezone


def _refused_accounts(request, usable) -> list:
    """Posted accounts this member may not use. Another organisation's (or no) account
    is a 404, as everywhere; one of this organisation's that is off limits is a form error."""
    if request.method != "POST":
        return []
    allowed = {a.pk for a in usable}
    posted = {int(i) for i in request.POST.getlist("accounts") if i.isdigit()} - allowed
    if not posted:
        return []
    known = list(ConnectedAccount.objects.for_org(request.organization).filter(pk__in=posted))
    if len(known) != len(posted):
        raise Http404
    return known


def _form(request, *, post=None, data=None):
    org = request.organization
    accounts = usable_accounts(request.membership)
    assets = MediaAsset.objects.for_org(org).prefetch_related("renditions")
    return ComposeForm(data, accounts=accounts, labels=Label.objects.for_org(org),
                       assets=assets, tz_name=post.timezone if post else _tz_name(request),
                       initial=_initial(request, post),
                       refused=_refused_accounts(request, accounts))


def _initial(request, post) -> dict:
    if post is None:
        initial = {"version": 0}
        try:
            if request.GET.get("date"):
                initial["date"] = dt.date.fromisoformat(request.GET["date"])
            if request.GET.get("time"):
                initial["time"] = dt.time.fromisoformat(request.GET["time"])
        except ValueError:
            pass
        if request.GET.get("account", "").isdigit():
            initial["accounts"] = [int(request.GET["account"])]
        return initial
    local = timezone.localtime(post.scheduled_at, zoneinfo.ZoneInfo(post.timezone)) \
        if post.scheduled_at else None
    return {"title": post.title, "text": post.text, "notes": post.notes, "version": post.version,
            "accounts": [t.account_id for t in post.targets.all()],
            "labels": [label.pk for label in post.labels.all()],
            "date": local.date() if local else None,
            "time": local.time().replace(second=0, microsecond=0) if local else None}


def _chosen_media(form, post):
    """(asset, alt) pairs to show: the submitted ones, else the post's current ones."""
    if form.is_bound:
        ids = [int(i) for i in form.data.getlist("media") if i.isdigit()]
        return [(form.assets[i], form.data.get(f"alt_{i}", "")) for i in ids if i in form.assets]
    if post is not None:
        first = next(iter(post.targets.all()), None)
        if first is not None:
            return [(m.asset, m.alt_text) for m in first.attachments.all()]
    return []


def _context(request, form, post=None) -> dict:
    org = request.organization
    membership = request.membership
    overrides = form.overrides() if form.is_bound else (
        {t.account_id: t.text for t in post.targets.all()} if post else {})
    comments = form.first_comments() if form.is_bound else (
        {t.account_id: first_comment_of(t) for t in post.targets.all()} if post else {})
    accounts = [{"account": a, "override": overrides.get(a.pk, ""),
                 "first_comment": comments.get(a.pk, ""),
                 "takes_threads": takes_threads(a.provider),
                 "takes_first_comment": takes_first_comment(a.provider),
                 "logo": a.provider if a.provider in LOGOS else "",
                 "limits": json.dumps(_limits(a))} for a in form.account_list]
    needs_review = org.approval_required and not (
        membership.can("post.approve") and not steps_for(org))
    chosen = _chosen_media(form, post)
    can_publish = membership.can("post.publish") or not org.approval_required
    has_time = bool(form["date"].value() and form["time"].value())
    return {
        "form": form, "post": post, "accounts": accounts,
        "snippets": Snippet.objects.for_org(org),
        "library": MediaAsset.objects.for_org(org).prefetch_related("renditions")[:60],
        "chosen_media": chosen,
        "unlicensed": [a for a, _alt in chosen if not a.has_licence],
        "needs_review": needs_review,
        "can_publish": can_publish,
        "buttons": composer_buttons(post=post, needs_review=needs_review,
                                    can_publish=can_publish, has_time=has_time),
        "tz_name": form.tz_name,
        "thread_networks": _thread_networks(),
    }


def _thread_networks() -> str:
    """The networks that publish the parts of a thread as a thread ("X, Bluesky and …")."""
    from django.utils.text import get_text_list

    from platforms.registry import enabled_keys, provider_class

    names = [str(provider_class(key).name) for key in enabled_keys()
             if key != "sandbox" and provider_class(key).supports_threads]
    return str(get_text_list(names, _("and")))


def _apply(request, form, post):
    """Save and run the chosen action in one transaction: a refused action saves nothing."""
    data, action = form.post_data(), form.cleaned_data.get("action") or "draft"
    with transaction.atomic():
        if post is None:
            post = post_create(organization=request.organization, actor=request.user, data=data)
        else:
            before = (post.status, _snapshot(post))
            post = post_update(post=post, actor=request.user, data=data,
                               expected_version=form.cleaned_data.get("version") or 0)
            if _snapshot(post) != before[1]:
                recurrence_occurrence_detach(post=post)
            if post.status == PostState.PENDING and before[0] != PostState.PENDING:
                messages.warning(request, _("Saved. The post changed after it was approved, so "
                                            "it is back in review."))
                return post
        _run_action(request, post, action, data)
    return post


def _snapshot(post) -> tuple:
    """What an occurrence's own edit changes: content and time (read fresh, not prefetched)."""
    fresh = Post.objects.get(pk=post.pk)
    return fresh.content_hash(), fresh.scheduled_at


def _run_action(request, post, action: str, data) -> None:
    if action == "submit":
        post_submit(post=post, actor=request.user)
        messages.success(request, _("Submitted for approval."))
    elif action == "schedule":
        if post.status != PostState.SCHEDULED or not post.scheduled_at:
            post_schedule(post=post, actor=request.user, scheduled_at=data.scheduled_at)
        messages.success(request, _("Scheduled."))
    elif action == "publish_now":
        post_publish_now(post=post, actor=request.user)
        messages.success(request, _("Publishing now."))
    elif action == "queue":
        queue_post(request, post)
    else:
        messages.success(request, _("Saved."))


def _handle(request, post=None):
    form = _form(request, post=post, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = _apply(request, form, post)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("post_detail", org_slug=request.organization.slug, pk=saved.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "content/compose.html", _context(request, form, post), status=status)


@org_view("post.edit")
def compose(request):
    return _handle(request)


@org_view("post.edit")
def post_edit(request, pk: int):
    post = get_post(request, pk, full=True)
    if Action.EDIT not in post.actions:  # content.workflows.ACTIONS: e.g. already published
        messages.error(request, refusal(post.phase, Action.EDIT))
        return redirect("post_detail", org_slug=request.organization.slug, pk=post.pk)
    hidden = accounts_off_limits(request.membership, post)
    if hidden:
        # Saving would drop the targets this member cannot see: refuse instead.
        messages.error(request, _("This post also goes to %(names)s, which you may not use. "
                                  "Ask an admin or a colleague with access to edit it.")
                       % {"names": ", ".join(a.handle for a in hidden)})
        return redirect("post_detail", org_slug=request.organization.slug, pk=post.pk)
    return _handle(request, post)


@org_view("post.edit")
@require_POST
def compose_validate(request):
    """htmx: the provider's validate() problems for what is in the composer right now."""
    membership_of(request.user, request.organization)
    accounts = {a.pk: a for a in usable_accounts(request.membership)}
    ids = [int(i) for i in request.POST.getlist("accounts") if i.isdigit() and int(i) in accounts]
    assets = {a.pk: a for a in MediaAsset.objects.for_org(request.organization).filter(
        pk__in=[i for i in request.POST.getlist("media") if i.isdigit()])}
    media = [(a, request.POST.get(f"alt_{a.pk}", "")) for a in assets.values()]
    shared = request.POST.get("text", "")
    problems = []
    for account_id in ids:
        text = request.POST.get(f"override_{account_id}", "").strip() or shared
        problems += problems_for(accounts[account_id], text, media,
                                 comment=request.POST.get(f"first_comment_{account_id}", ""))
    return render(request, "content/_problems.html", {"problems": problems,
                                                      "checked": bool(ids)})


@org_view("post.edit")
@require_GET
def compose_link_preview(request):
    url = first_url(request.GET.get("text", "") or request.GET.get("url", ""))
    if not url:
        return HttpResponse("")
    return render(request, "content/_link_preview.html", {"preview": link_preview_fetch(url)})


@org_view("post.edit")
@require_POST
def compose_split(request):
    """The composer's "Split into a thread": the text cut at sentence ends into parts that
    fit every chosen account with threads, by each network's own count (JSON)."""
    accounts = {a.pk: a for a in usable_accounts(request.membership)}
    chosen = [accounts[int(i)] for i in request.POST.getlist("accounts")
              if i.isdigit() and int(i) in accounts]
    try:
        text, count = split_for_accounts(request.POST.get("text", ""), chosen)
    except ServiceError as exc:
        return JsonResponse({"error": exc.message}, status=400)
    return JsonResponse({"text": text, "parts": count})
