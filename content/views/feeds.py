"""Settings → Feeds: RSS/Atom feeds whose new articles become posts (admins)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.services.errors import ServiceError
from accounts.tenancy import org_view
from content.models import Feed
from content.models.feeds import DEFAULT_TEMPLATE
from content.selectors import usable_accounts
from content.services.feeds import (
    feed_add,
    feed_check_now,
    feed_delete,
    feed_error_message,
    feed_set_enabled,
)
from platforms.registry import provider_name


class FeedForm(forms.Form):
    url = forms.URLField(label=gettext_lazy("Feed address"), max_length=2000,
                         assume_scheme="https",
                         help_text=gettext_lazy("The address of the RSS or Atom feed, for "
                                                "example https://example.org/feed.xml."))
    title = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False,
                            help_text=gettext_lazy("Leave empty to use the feed's own title."))
    accounts = forms.TypedMultipleChoiceField(label=gettext_lazy("Post to"), coerce=int,
                                              widget=forms.CheckboxSelectMultiple)
    template = forms.CharField(label=gettext_lazy("Post text"), initial=DEFAULT_TEMPLATE,
                               max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=gettext_lazy("{title}, {link} and {summary} are "
                                                      "replaced by the article's title, "
                                                      "address and summary."))
    auto_queue = forms.BooleanField(
        label=gettext_lazy("Add new articles to the queue"), required=False,
        help_text=gettext_lazy("Otherwise each new article becomes a draft. Where approval is "
                               "required, queued posts still wait for approval."))

    def __init__(self, *args, accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accounts"].choices = [(a.pk, f"{a.name} ({provider_name(a.provider)})")
                                           for a in accounts]


def _page(request, form, status=200):
    feeds = list(Feed.objects.for_org(request.organization).prefetch_related("accounts"))
    rows = [{"feed": f, "error": feed_error_message(f.last_error) if f.last_error else ""}
            for f in feeds]
    return render(request, "content/settings/feeds.html", {"rows": rows, "form": form},
                  status=status)


@org_view("org.settings")
def feeds(request):
    accounts = list(usable_accounts(request.membership))
    form = FeedForm(request.POST or None, accounts=accounts)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                feed = feed_add(organization=request.organization, actor=request.user,
                                url=data["url"], title=data["title"],
                                account_ids=data["accounts"], template=data["template"],
                                auto_queue=data["auto_queue"])
            except ServiceError as error:
                form.add_error("template" if error.code == "template" else "url", error.message)
            else:
                messages.success(request, _("The feed “%(feed)s” was added. New articles "
                                            "from now on become posts.") % {"feed": feed})
                return redirect("feeds", org_slug=request.organization.slug)
        return _page(request, form, status=400)
    return _page(request, form)


def _feed(request, pk) -> Feed:
    return get_object_or_404(Feed.objects.for_org(request.organization), pk=pk)


@org_view("org.settings")
@require_POST
def feed_toggle(request, pk):
    feed = _feed(request, pk)
    enabled = request.POST.get("enabled") == "1"
    feed_set_enabled(feed=feed, actor=request.user, enabled=enabled)
    messages.success(request, (_("The feed “%(feed)s” is active again.") if enabled
                               else _("The feed “%(feed)s” is paused.")) % {"feed": feed})
    return redirect("feeds", org_slug=request.organization.slug)


@org_view("org.settings")
@require_POST
def feed_check(request, pk):
    feed = _feed(request, pk)
    feed_check_now(feed=feed, actor=request.user)
    messages.success(request, _("The feed “%(feed)s” is being read.") % {"feed": feed})
    return redirect("feeds", org_slug=request.organization.slug)


@org_view("org.settings")
@require_POST
def feed_remove(request, pk):
    feed = _feed(request, pk)
    name = str(feed)
    feed_delete(feed=feed, actor=request.user)
    messages.success(request, _("The feed “%(feed)s” was removed; its posts stay.")
                     % {"feed": name})
    return redirect("feeds", org_slug=request.organization.slug)
