from django.db.models import Max
from django.http import HttpRequest, QueryDict

from inbox.forms import FilterForm
from inbox.models import InboxItem, SavedReply, Sentiment
from inbox.selectors import inbox_settings_for, item_page, member_account_scope


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def filter_query(request: HttpRequest) -> str:
    """The current filters as a query string, without the page position."""
    params = request.GET.copy()
    for key in ("after", "since", "item"):
        params.pop(key, None)
    return params.urlencode()


def filter_form(request: HttpRequest) -> FilterForm:
    return FilterForm(request.GET or None, organization=request.organization, user=request.user,
                      account_ids=member_account_scope(request.membership))


def list_context(request: HttpRequest) -> dict:
    org = request.organization
    form = filter_form(request)
    filters = form.filters()
    page = item_page(org, filters, after=request.GET.get("after", ""))
    # Items stored after this id are "new" for the live list (ids grow with every insert).
    newest = InboxItem.objects.aggregate(m=Max("id"))["m"] or 0
    from inbox.forms import AssignForm

    return {
        "bulk_assign_form": AssignForm(organization=org, prefix="bulk"),
        "filter_form": form, "filters": filters, "page": page, "since_id": newest,
        "query": filter_query(request), "inbox_settings": inbox_settings_for(org),
        "snooze_presets": [(p["key"], p["label"]) for p in snooze_choices(request)],
    }


def snooze_choices(request: HttpRequest) -> list[dict]:
    """The snooze presets with the time each means for this person ("Tue 09:00")."""
    from django.utils import formats, timezone

    from inbox.services.snooze import snooze_presets

    tz = person_timezone(request)
    def when(moment) -> str:
        local = moment.astimezone(tz)
        day, date = formats.date_format(local, "D"), formats.date_format(local, "SHORT_DATE_FORMAT")
        return f'{day} {date}, {formats.time_format(local, "TIME_FORMAT")}'

    return [{"key": p.key, "label": p.label, "when": when(p.until)}
            for p in snooze_presets(timezone.now(), tz)]


def conversation_context(request: HttpRequest, item, **extra) -> dict:
    from inbox.forms import AssignForm, NoteForm, ReplyForm
    from inbox.selectors import item_thread
    from inbox.services.moderation import can_hide
    from inbox.services.replies import account_problem
    from platforms.registry import account_label

    org = request.organization
    return {
        "item": item, "thread": item_thread(item),
        "replies": list(item.replies.select_related("author", "approved_by")),
        "notes": list(item.notes.select_related("author")),
        "reply_form": extra.pop("reply_form", None) or ReplyForm(),
        "note_form": extra.pop("note_form", None) or NoteForm(),
        "assign_form": AssignForm(organization=org, initial={"assignee": item.assignee_id}),
        "saved_replies": list(SavedReply.objects.for_org(org)),
        "account_problem": account_problem(item.account),
        "can_hide": can_hide(item),
        "platform": account_label(item.account),
        "inbox_settings": inbox_settings_for(org),
        "sentiment_choices": Sentiment.choices,
        "snooze_choices": snooze_choices(request),
        "sentiment_correction": item.sentiment_corrections.select_related(
            "corrected_by").first() if item.sentiment_corrected else None,
        **extra,
    }


def list_query_of_page(request: HttpRequest) -> str:
    """The list filters of the page an htmx request comes from (its address bar), so an
    action in the conversation knows the list the person is looking at."""
    from urllib.parse import urlsplit

    from django.urls import reverse

    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    inbox_path = reverse("inbox", kwargs={"org_slug": request.organization.slug})
    if not current.path.startswith(inbox_path):
        return ""
    params = QueryDict(current.query, mutable=True)
    for key in ("after", "since", "item"):
        params.pop(key, None)
    return params.urlencode()


def list_filters_of_page(request: HttpRequest, query: str):
    form = FilterForm(QueryDict(query) or None, organization=request.organization,
                      user=request.user, account_ids=member_account_scope(request.membership))
    return form.filters()


def person_timezone(request: HttpRequest):
    """The signed-in person's time zone (their own, else the organisation's): 'tomorrow
    morning' is their morning."""
    from zoneinfo import ZoneInfo

    return ZoneInfo(getattr(request.user, "timezone", "") or request.organization.timezone
                    or "UTC")
