"""Which buttons the composer offers, and which one is primary, for the post's state.

A new post or a draft offers the next step (submit for approval where review is needed,
otherwise schedule or publish now); a post already in review, approved or scheduled is
updated in place (its workflow moves through the post page, the calendar or the queue).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from content.workflows import PostState

FRESH = (PostState.DRAFT, PostState.CHANGES)


@dataclass(frozen=True)
class Button:
    action: str
    label: str
    primary: bool = False
    confirm: str = ""
    # Hooks for composer.js, which swaps the primary between Schedule and Publish now.
    role: str = ""


def composer_buttons(*, post, needs_review: bool, can_publish: bool,
                     has_time: bool) -> list[Button]:
    """Saving comes first, so Enter in a text field saves instead of publishing."""
    status = post.status if post is not None else PostState.DRAFT
    queue = Button("queue", _("Add to queue"))
    if status in FRESH:
        draft = Button("draft", _("Save draft"))
        if needs_review:
            return [draft, queue, Button("submit", _("Submit for approval"), primary=True)]
        return [draft, queue, *_schedule_buttons(can_publish, has_time)]
    if status == PostState.APPROVED:
        return [Button("draft", _("Update"), primary=not has_time), queue,
                Button("schedule", _("Schedule"), primary=has_time, role="schedule")]
    return [Button("draft", _("Update"), primary=True)]


def _schedule_buttons(can_publish: bool, has_time: bool) -> list[Button]:
    schedule = Button("schedule", _("Schedule"), primary=has_time or not can_publish,
                      role="schedule")
    if not can_publish:
        return [schedule]
    return [schedule, Button("publish_now", _("Publish now"), primary=not has_time,
                             confirm=_("Publish to the chosen accounts now?"), role="now")]
