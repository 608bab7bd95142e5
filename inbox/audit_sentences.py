"""Sentences of the audit verbs the inbox writes (see accounts.audit_text)."""

import datetime as dt

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from accounts.audit_text import Line, says
from inbox.models.items import Sentiment


def _author(line: Line) -> str:
    """An item's label is "<kind> <handle>: <text>": the author is what people recognise."""
    head = line.target.split(":", 1)[0]
    return head.split(" ", 1)[1] if " " in head else line.target


def _on_item(message) -> callable:
    return lambda line: str(message) % {"actor": line.actor, "author": _author(line)}


def _items(one, many) -> callable:
    """Bulk actions list their items; single ones name the conversation."""
    def sentence(line: Line) -> str:
        if line.entry.target_id:
            return str(one) % {"actor": line.actor, "author": _author(line)}
        return str(many % {"actor": line.actor, "count": line.count()})
    return sentence


def _assigned(line: Line) -> str:
    person = line.person(line.details.get("assignee"))
    if line.entry.target_id:
        if not line.details.get("assignee"):
            return _("%(actor)s unassigned the conversation with %(author)s.") % {
                "actor": line.actor, "author": _author(line)}
        return _("%(actor)s assigned the conversation with %(author)s to %(person)s.") % {
            "actor": line.actor, "author": _author(line), "person": person}
    count = line.count()
    if not line.details.get("assignee"):
        return ngettext("%(actor)s unassigned %(count)d conversation.",
                        "%(actor)s unassigned %(count)d conversations.", count) % {
            "actor": line.actor, "count": count}
    return ngettext("%(actor)s assigned %(count)d conversation to %(person)s.",
                    "%(actor)s assigned %(count)d conversations to %(person)s.", count) % {
        "actor": line.actor, "count": count, "person": person}


def _updated(line: Line) -> str:
    label = line.text("label")
    if label and not line.entry.target_id:
        count = line.count()
        return ngettext("%(actor)s labelled %(count)d conversation “%(label)s”.",
                        "%(actor)s labelled %(count)d conversations “%(label)s”.", count) % {
            "actor": line.actor, "count": count, "label": label}
    if "urgent" in line.details:
        message = (_("%(actor)s marked the conversation with %(author)s as urgent.")
                   if line.details["urgent"] else
                   _("%(actor)s marked the conversation with %(author)s as not urgent."))
        return message % {"actor": line.actor, "author": _author(line)}
    return _("%(actor)s changed the labels of the conversation with %(author)s.") % {
        "actor": line.actor, "author": _author(line)}


def _author_data(message) -> callable:
    return lambda line: str(message % {"actor": line.actor, "handle": line.text("handle"),
                                       "count": line.count()})


def _sentiment(line: Line) -> str:
    def label(value) -> str:
        return str(Sentiment(value).label) if value in Sentiment.values else str(value or "—")
    return _("%(actor)s changed the sentiment of the conversation with %(author)s from "
             "“%(before)s” to “%(after)s”.") % {
        "actor": line.actor, "author": _author(line),
        "before": label(line.details.get("from")), "after": label(line.details.get("to"))}


def _snoozed(line: Line) -> str:
    try:
        until = formats.date_format(timezone.localtime(dt.datetime.fromisoformat(
            line.text("until"))), "SHORT_DATETIME_FORMAT")
    except ValueError:
        until = "—"
    if line.entry.target_id:
        return _("%(actor)s snoozed the conversation with %(author)s until %(until)s.") % {
            "actor": line.actor, "author": _author(line), "until": until}
    count = line.count()
    return ngettext("%(actor)s snoozed %(count)d conversation until %(until)s.",
                    "%(actor)s snoozed %(count)d conversations until %(until)s.", count) % {
        "actor": line.actor, "count": count, "until": until}


def _purged(line: Line) -> str:
    count = line.count("rows")
    return ngettext("socialmgr deleted %(count)d conversation past the retention period.",
                    "socialmgr deleted %(count)d conversations past the retention period.",
                    count) % {"count": count}


REPLY = {
    "pending_approval": gettext_lazy("%(actor)s wrote a reply to %(author)s; it waits for "
                                     "approval."),
    "sending": gettext_lazy("%(actor)s sent a reply to %(author)s."),
    "sent": gettext_lazy("The reply to %(author)s was delivered."),
    "failed": gettext_lazy("The reply to %(author)s could not be delivered."),
    "rejected": gettext_lazy("%(actor)s rejected a reply to %(author)s."),
}

REASONS = {"inbox.reply.failed", "inbox.reply.rejected"}

def _alert(message_negative, message_mentions) -> callable:
    def sentence(line: Line) -> str:
        details = line.details
        message = (message_negative if details.get("kind") == "negative"
                   else message_mentions)
        return str(message) % {"actor": line.actor, "count": details.get("count", 0)}
    return sentence


SENTENCES = {
    "inbox.alert.raised": _alert(
        gettext_lazy("A spike alert was raised: %(count)s negative items in an hour."),
        gettext_lazy("A spike alert was raised: %(count)s mentions in an hour.")),
    "inbox.alert.acknowledged": _alert(
        gettext_lazy("%(actor)s acknowledged the spike alert of %(count)s negative items."),
        gettext_lazy("%(actor)s acknowledged the spike alert of %(count)s mentions.")),
    **{f"inbox.reply.{state}": _on_item(message) for state, message in REPLY.items()},
    "inbox.item.done": _items(gettext_lazy("%(actor)s marked the conversation with "
                                           "%(author)s done."),
                              ngettext_lazy("%(actor)s marked %(count)d conversation done.",
                                            "%(actor)s marked %(count)d conversations done.",
                                            "count")),
    "inbox.item.reopened": _items(gettext_lazy("%(actor)s reopened the conversation with "
                                               "%(author)s."),
                                  ngettext_lazy("%(actor)s reopened %(count)d conversation.",
                                                "%(actor)s reopened %(count)d conversations.",
                                                "count")),
    "inbox.item.hidden": lambda line: str(_(
        "%(actor)s hid the reply by %(author)s on %(platform)s.")) % {
        "actor": line.actor, "author": _author(line), "platform": line.text("platform")},
    "inbox.item.unhidden": lambda line: str(_(
        "%(actor)s made the reply by %(author)s visible on %(platform)s again.")) % {
        "actor": line.actor, "author": _author(line), "platform": line.text("platform")},
    "inbox.item.assigned": _assigned,
    "inbox.item.snoozed": _snoozed,
    "inbox.item.unsnoozed": _items(gettext_lazy("%(actor)s brought the snoozed conversation "
                                                "with %(author)s back."),
                                   ngettext_lazy("%(actor)s brought %(count)d snoozed "
                                                 "conversation back.",
                                                 "%(actor)s brought %(count)d snoozed "
                                                 "conversations back.", "count")),
    "inbox.item.updated": _updated,
    "inbox.item.sentiment_corrected": _sentiment,
    "inbox.item.note_added": _on_item(gettext_lazy(
        "%(actor)s added an internal note to the conversation with %(author)s.")),
    "inbox.author.exported": _author_data(ngettext_lazy(
        "%(actor)s exported what is stored about %(handle)s (%(count)d conversation).",
        "%(actor)s exported what is stored about %(handle)s (%(count)d conversations).",
        "count")),
    "inbox.author.erased": _author_data(ngettext_lazy(
        "%(actor)s erased what was stored about %(handle)s (%(count)d conversation).",
        "%(actor)s erased what was stored about %(handle)s (%(count)d conversations).",
        "count")),
    "inbox.items.purged": _purged,
    "inbox.settings.changed": says(gettext_lazy("%(actor)s changed the inbox settings.")),
    "inbox.saved_reply.created": says(gettext_lazy(
        "%(actor)s saved the reply “%(target)s”.")),
    "inbox.reply.changed": says(gettext_lazy("%(actor)s changed the saved reply “%(target)s”.")),
    "inbox.reply.deleted": says(gettext_lazy("%(actor)s deleted the saved reply “%(target)s”.")),
    "inbox.rule.created": says(gettext_lazy("%(actor)s added the rule “%(target)s”.")),
    "inbox.rule.changed": says(gettext_lazy("%(actor)s changed the rule “%(target)s”.")),
    "inbox.rule.deleted": says(gettext_lazy("%(actor)s deleted the rule “%(target)s”.")),
    "inbox.search.created": says(gettext_lazy("%(actor)s added the saved search “%(target)s”.")),
    "inbox.search.changed": says(gettext_lazy(
        "%(actor)s changed the saved search “%(target)s”.")),
    "inbox.search.deleted": says(gettext_lazy(
        "%(actor)s deleted the saved search “%(target)s”.")),
}
