"""Sentences of the audit verbs the content app writes (see accounts.audit_text)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.audit_text import Line, says
from content.models.calendar import Weekday


def _delivery(message) -> callable:
    """A target's label is "post → account": the sentence names both."""
    def sentence(line: Line) -> str:
        post, _arrow, account = line.target.partition(" → ")
        return str(message) % {"actor": line.actor, "post": post,
                               "account": account.rsplit(" (", 1)[0] or account}
    return sentence


def _slot(line: Line) -> str:
    """"Monday 09:00" in the reader's language when the entry says which, else the label."""
    weekday, time = line.details.get("weekday"), line.text("time")
    if isinstance(weekday, int) and weekday in Weekday.values and time:
        return f"{Weekday(weekday).label} {time}"
    return line.target


def _step_approved(line: Line) -> str:
    step = line.text("step")
    if not step:
        return _("%(actor)s approved the post “%(target)s”.") % {"actor": line.actor,
                                                                 "target": line.target}
    return _("%(actor)s approved the step “%(step)s” of the post “%(target)s”.") % {
        "actor": line.actor, "step": step, "target": line.target}


POST = {
    "created": gettext_lazy("%(actor)s wrote the post “%(target)s”."),
    "updated": gettext_lazy("%(actor)s edited the post “%(target)s”."),
    "duplicated": gettext_lazy("%(actor)s duplicated the post “%(target)s”."),
    "submitted": gettext_lazy("%(actor)s submitted the post “%(target)s” for approval."),
    "approved": gettext_lazy("%(actor)s approved the post “%(target)s”."),
    "changes_requested": gettext_lazy(
        "%(actor)s asked for changes to the post “%(target)s”."),
    "returned_to_draft": gettext_lazy("%(actor)s turned the post “%(target)s” back into a "
                                      "draft."),
    "scheduled": gettext_lazy("%(actor)s scheduled the post “%(target)s”."),
    "rescheduled": gettext_lazy("%(actor)s moved the post “%(target)s” to another time."),
    "queued": gettext_lazy("%(actor)s added the post “%(target)s” to the queue."),
    "cancelled": gettext_lazy("%(actor)s cancelled the post “%(target)s”."),
    "archived": gettext_lazy("%(actor)s archived the post “%(target)s”."),
    "commented": gettext_lazy("%(actor)s commented on the post “%(target)s”."),
    "delete_requested": gettext_lazy(
        "%(actor)s asked to delete the post “%(target)s” on its networks."),
    "deleted": gettext_lazy("%(actor)s deleted the post “%(target)s”."),
}

TARGET = {
    "pending": gettext_lazy("The post “%(post)s” waits to be scheduled on %(account)s."),
    "scheduled": gettext_lazy("The post “%(post)s” is scheduled on %(account)s."),
    "publishing": gettext_lazy("The post “%(post)s” is being published on %(account)s."),
    "published": gettext_lazy("The post “%(post)s” was published on %(account)s."),
    "failed": gettext_lazy("The post “%(post)s” could not be published on %(account)s."),
    "unconfirmed": gettext_lazy("It is not known whether the post “%(post)s” went out on "
                                "%(account)s: someone needs to check."),
    "paused": gettext_lazy("The post “%(post)s” waits until %(account)s is reconnected."),
    "cancelled": gettext_lazy("%(actor)s cancelled the post “%(post)s” on %(account)s."),
    "deleted": gettext_lazy("The post “%(post)s” was deleted on %(account)s."),
    "delete_queued": gettext_lazy("The post “%(post)s” is waiting to be deleted on "
                                  "%(account)s."),
    "delete_deleting": gettext_lazy("The post “%(post)s” is being deleted on %(account)s."),
    "delete_deleted": gettext_lazy("The post “%(post)s” was deleted on %(account)s."),
    "delete_failed": gettext_lazy("The post “%(post)s” could not be deleted on %(account)s."),
    "delete_not_possible": gettext_lazy("The post “%(post)s” cannot be deleted on %(account)s "
                                        "through its API."),
    "delete_retried": gettext_lazy("%(actor)s tried again to delete the post “%(post)s” on "
                                   "%(account)s."),
    "edited": gettext_lazy("%(actor)s changed the published post “%(post)s” on %(account)s."),
    "edit_failed": gettext_lazy("%(actor)s could not change the published post “%(post)s” on "
                                "%(account)s."),
}

# Reasons written for people: the reviewer's comment, the platform's own words.
REASONS = {"content.post.changes_requested", "content.post.cancelled", "content.target.failed",
           "content.target.paused", "content.target.unconfirmed",
           "content.target.delete_failed", "content.target.edit_failed",
           "content.part.thread.failed",
           "content.part.comment.failed"}

PART = {
    "thread.published": gettext_lazy("A further part of the thread “%(post)s” was published on "
                                     "%(account)s."),
    "thread.failed": gettext_lazy("A part of the thread “%(post)s” could not be published on "
                                  "%(account)s."),
    "thread.retried": gettext_lazy("%(actor)s tried a part of the thread “%(post)s” on "
                                   "%(account)s again."),
    "comment.published": gettext_lazy("The first comment on “%(post)s” was published on "
                                      "%(account)s."),
    "comment.failed": gettext_lazy("The first comment on “%(post)s” could not be published "
                                   "on %(account)s."),
    "comment.retried": gettext_lazy("%(actor)s tried the first comment on “%(post)s” on "
                                    "%(account)s again."),
}

def _imported(line: Line) -> str:
    count = line.count("count")
    return ngettext("%(actor)s imported %(count)d post from a file.",
                    "%(actor)s imported %(count)d posts from a file.", count) % {
        "actor": line.actor, "count": count}


def _exported(line: Line) -> str:
    count = line.count("count")
    fmt = line.text("format").upper() or "CSV"
    if line.text("scope") == "all":
        return ngettext("%(actor)s exported %(count)d post (all posts) as %(format)s.",
                        "%(actor)s exported %(count)d posts (all posts) as %(format)s.",
                        count) % {"actor": line.actor, "count": count, "format": fmt}
    return ngettext("%(actor)s exported %(count)d planned post as %(format)s.",
                    "%(actor)s exported %(count)d planned posts as %(format)s.",
                    count) % {"actor": line.actor, "count": count, "format": fmt}


SENTENCES = {
    **{f"content.part.{verb}": _delivery(message) for verb, message in PART.items()},
    **{f"content.post.{verb}": says(message) for verb, message in POST.items()},
    **{f"content.target.{verb}": _delivery(message) for verb, message in TARGET.items()},
    "content.post.step_approved": _step_approved,
    "content.post.imported": _imported,
    "content.post.exported": _exported,
    "content.approval.restarted": says(gettext_lazy(
        "The review of the post “%(target)s” started again because the approval steps "
        "changed.")),
    "content.approval_step.created": says(gettext_lazy(
        "%(actor)s added the approval step “%(target)s”.")),
    "content.approval_step.updated": says(gettext_lazy(
        "%(actor)s changed the approval step “%(target)s”.")),
    "content.approval_step.moved": says(gettext_lazy(
        "%(actor)s moved the approval step “%(target)s”.")),
    "content.approval_step.deleted": says(gettext_lazy(
        "%(actor)s removed the approval step “%(target)s”.")),
    "content.review_link.created": says(gettext_lazy(
        "%(actor)s created a client review link for the post “%(target)s”.")),
    "content.review_link.revoked": says(gettext_lazy(
        "%(actor)s withdrew a client review link of the post “%(target)s”.")),
    "content.recurrence.created": says(gettext_lazy(
        "%(actor)s made the post “%(target)s” repeat.")),
    "content.recurrence.skipped": says(gettext_lazy(
        "%(actor)s skipped one repetition of the post “%(target)s”.")),
    "content.recurrence.stopped": says(gettext_lazy(
        "%(actor)s stopped the repetitions of the post “%(target)s”.")),
    "content.queue.slot_added": lambda line: _(
        "%(actor)s added a queue time slot: %(slot)s.") % {"actor": line.actor,
                                                          "slot": _slot(line)},
    "content.queue.slot_removed": lambda line: _(
        "%(actor)s removed a queue time slot: %(slot)s.") % {"actor": line.actor,
                                                            "slot": _slot(line)},
    "content.media.uploaded": says(gettext_lazy("%(actor)s uploaded “%(target)s”.")),
    "content.media.updated": says(gettext_lazy(
        "%(actor)s changed the details of “%(target)s”.")),
    "content.media.deleted": says(gettext_lazy(
        "%(actor)s deleted “%(target)s” from the media library.")),
    "content.label.created": says(gettext_lazy("%(actor)s created the label “%(target)s”.")),
    "content.label.deleted": says(gettext_lazy("%(actor)s deleted the label “%(target)s”.")),
    "content.snippet.created": says(gettext_lazy(
        "%(actor)s saved the snippet “%(target)s”.")),
    "content.snippet.deleted": says(gettext_lazy(
        "%(actor)s deleted the snippet “%(target)s”.")),
    "content.ical.token_created": says(gettext_lazy(
        "%(actor)s created a calendar subscription link.")),
    "content.ical.token_revoked": says(gettext_lazy(
        "%(actor)s withdrew a calendar subscription link.")),
    "content.feed.added": says(gettext_lazy("%(actor)s added the feed “%(target)s”.")),
    "content.feed.paused": says(gettext_lazy("%(actor)s paused the feed “%(target)s”.")),
    "content.feed.enabled": says(gettext_lazy("%(actor)s resumed the feed “%(target)s”.")),
    "content.feed.removed": says(gettext_lazy("%(actor)s removed the feed “%(target)s”.")),
}
