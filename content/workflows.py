"""The two content state machines, declared once as data.

`POST` is moved by people (compose, review, schedule); `TARGET` is moved by the
publishing pipeline. Model fields take their choices from here and the only
writers of a status field are `content.services.transitions`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Machine:
    name: str
    states: tuple[tuple[str, Promise], ...]
    initial: str
    terminal: frozenset[str]
    transitions: dict[str, frozenset[str]]

    @property
    def choices(self) -> list[tuple[str, Promise]]:
        return list(self.states)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(s for s, _label in self.states)

    def label(self, state: str) -> str:
        return str(dict(self.states).get(state, state))

    def allows(self, source: str, target: str) -> bool:
        return target in self.transitions.get(source, frozenset())

    def sources_for(self, target: str) -> frozenset[str]:
        return frozenset(s for s, targets in self.transitions.items() if target in targets)


class PostState:
    DRAFT = "draft"
    PENDING = "pending_approval"
    CHANGES = "changes_requested"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    ARCHIVED = "archived"  # deleted after (part of) it was published: kept for history


class TargetState:
    PENDING = "pending"
    SCHEDULED = "scheduled"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    FAILED = "failed"
    PAUSED = "paused"
    UNCONFIRMED = "unconfirmed"
    CANCELLED = "cancelled"
    DELETED = "deleted"  # was published, then deleted on the platform at a person's request


P, T = PostState, TargetState

POST = Machine(
    name="post",
    states=(
        (P.DRAFT, _("Draft")),
        (P.PENDING, _("Pending approval")),
        (P.CHANGES, _("Changes requested")),
        (P.APPROVED, _("Approved")),
        (P.SCHEDULED, _("Scheduled")),
        (P.CANCELLED, _("Cancelled")),
        (P.ARCHIVED, _("Archived")),
    ),
    initial=P.DRAFT,
    terminal=frozenset({P.ARCHIVED}),
    transitions={
        P.DRAFT: frozenset({P.PENDING, P.SCHEDULED, P.CANCELLED}),
        P.PENDING: frozenset({P.APPROVED, P.CHANGES, P.DRAFT, P.CANCELLED}),
        P.CHANGES: frozenset({P.DRAFT, P.PENDING, P.CANCELLED}),
        # approved → draft: unscheduling / editing an approved post where approval is optional
        P.APPROVED: frozenset({P.SCHEDULED, P.PENDING, P.DRAFT, P.CANCELLED}),
        P.SCHEDULED: frozenset({P.PENDING, P.DRAFT, P.APPROVED, P.CANCELLED, P.ARCHIVED}),
        # cancelled is final for the workflow; it can only be archived (history kept)
        P.CANCELLED: frozenset({P.ARCHIVED}),
        P.ARCHIVED: frozenset(),
    },
)

TARGET = Machine(
    name="target",
    states=(
        (T.PENDING, _("Pending")),
        (T.SCHEDULED, _("Scheduled")),
        (T.PUBLISHING, _("Publishing")),
        (T.PUBLISHED, _("Published")),
        (T.FAILED, _("Failed")),
        (T.PAUSED, _("Paused")),
        (T.UNCONFIRMED, _("Unconfirmed")),
        (T.CANCELLED, _("Cancelled")),
        (T.DELETED, _("Deleted from the platform")),
    ),
    initial=T.PENDING,
    terminal=frozenset({T.DELETED, T.CANCELLED}),
    transitions={
        T.PENDING: frozenset({T.SCHEDULED, T.CANCELLED}),
        T.SCHEDULED: frozenset({T.PUBLISHING, T.PENDING, T.PAUSED, T.CANCELLED}),
        # publishing → scheduled is a retry (backoff) or a reconciled lease expiry
        T.PUBLISHING: frozenset(
            {T.PUBLISHED, T.SCHEDULED, T.FAILED, T.PAUSED, T.UNCONFIRMED, T.PUBLISHING}
        ),
        # paused → failed: the post's deadline passed while its account waited for a reconnect
        T.PAUSED: frozenset({T.SCHEDULED, T.PENDING, T.FAILED, T.CANCELLED}),
        # a person decides: it went out (published), try again (scheduled), or give up
        T.UNCONFIRMED: frozenset({T.PUBLISHED, T.SCHEDULED, T.FAILED, T.CANCELLED}),
        T.FAILED: frozenset({T.SCHEDULED, T.PENDING, T.CANCELLED}),
        # deleted on the platform (content.services.deletion)
        T.PUBLISHED: frozenset({T.DELETED}),
        T.CANCELLED: frozenset(),
        T.DELETED: frozenset(),
    },
)

# Delivery status of a post, derived from its targets (never stored).
DELIVERY_LABELS = {
    "publishing": _("Publishing"),
    "published": _("Published"),
    "partially_failed": _("Partially failed"),
    "failed": _("Failed"),
}


def delivery_status(target_states: list[str]) -> str:
    """'' while nothing has been attempted; else publishing/published/partially_failed/failed."""
    live = [s for s in target_states if s not in (T.CANCELLED, T.DELETED)]
    if not live:
        return ""
    if any(s in (T.PUBLISHING, T.UNCONFIRMED) for s in live):
        return "publishing"
    published = sum(s == T.PUBLISHED for s in live)
    failed = sum(s == T.FAILED for s in live)
    if published == len(live):
        return "published"
    if failed == len(live):
        return "failed"
    if failed and published:
        return "partially_failed"
    if failed and not any(s == T.SCHEDULED for s in live):
        return "partially_failed" if published else "failed"
    if published:
        return "publishing"  # some out, the rest still due
    return ""


# ---------------------------------------------------------------------------
# One truth for what a person sees and may do: the post's phase and its actions.
#
# A post's phase combines its own status (moved by people) with its targets' states
# (moved by the pipeline): a "scheduled" post whose networks all published is
# "published". Templates, the API and the services ask `post_phase` and `ACTIONS`;
# nothing else re-derives it.


class Phase:
    DRAFT = P.DRAFT
    IN_REVIEW = P.PENDING
    CHANGES = P.CHANGES
    APPROVED = P.APPROVED
    SCHEDULED = P.SCHEDULED
    QUEUED = "queued"  # every waiting network is due now (Publish now): the dispatcher is next
    PUBLISHING = "publishing"  # a network is being published to right now
    PUBLISHED = "published"  # every network published
    PARTLY = "partly_published"  # some networks published; others failed or still wait
    FAILED = "failed"  # every network failed
    UNCONFIRMED = "unconfirmed"  # a network may or may not have published: a person decides
    CANCELLED = P.CANCELLED
    ARCHIVED = P.ARCHIVED


PHASE_LABELS: dict[str, Promise] = {
    Phase.DRAFT: _("Draft"),
    Phase.IN_REVIEW: _("Pending approval"),
    Phase.CHANGES: _("Changes requested"),
    Phase.APPROVED: _("Approved"),
    Phase.SCHEDULED: _("Scheduled"),
    Phase.QUEUED: _("Queued for publishing"),
    Phase.PUBLISHING: _("Publishing"),
    Phase.PUBLISHED: _("Published"),
    Phase.PARTLY: _("Partly published"),
    Phase.FAILED: _("Failed"),
    Phase.UNCONFIRMED: _("Unconfirmed"),
    Phase.CANCELLED: _("Cancelled"),
    Phase.ARCHIVED: _("Archived"),
}


class Action:
    EDIT = "edit"
    SUBMIT = "submit"
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    SCHEDULE = "schedule"
    RESCHEDULE = "reschedule"
    PUBLISH_NOW = "publish_now"
    QUEUE = "queue"
    UNSCHEDULE = "unschedule"
    CANCEL = "cancel"
    RETRY_TARGET = "retry_target"  # retry one failed network
    DECIDE_TARGET = "decide_target"  # settle an unconfirmed network (it went out / again)
    DUPLICATE = "duplicate"
    DELETE = "delete"
    COMMENT = "comment"


ACTION_LABELS: dict[str, Promise] = {
    Action.EDIT: _("Edit"),
    Action.SUBMIT: _("Submit for approval"),
    Action.APPROVE: _("Approve"),
    Action.REQUEST_CHANGES: _("Request changes"),
    Action.SCHEDULE: _("Schedule"),
    Action.RESCHEDULE: _("Reschedule"),
    Action.PUBLISH_NOW: _("Publish now"),
    Action.QUEUE: _("Add to queue"),
    Action.UNSCHEDULE: _("Unschedule"),
    Action.CANCEL: _("Cancel post"),
    Action.RETRY_TARGET: _("Retry"),
    Action.DECIDE_TARGET: _("Confirm delivery"),
    Action.DUPLICATE: _("Duplicate"),
    Action.DELETE: _("Delete"),
    Action.COMMENT: _("Add comment"),
}

A = Action
_ALWAYS = frozenset({A.DUPLICATE, A.COMMENT})

# The table: which actions each phase allows. Permissions (who) are checked separately.
# Delete removes a draft, or deletes what went out on the platforms; anything in
# between is cancelled first.
ACTIONS: dict[str, frozenset[str]] = {
    Phase.DRAFT: _ALWAYS | {A.EDIT, A.SUBMIT, A.SCHEDULE, A.PUBLISH_NOW, A.QUEUE, A.CANCEL,
                            A.DELETE},
    Phase.IN_REVIEW: _ALWAYS | {A.EDIT, A.APPROVE, A.REQUEST_CHANGES, A.CANCEL},
    Phase.CHANGES: _ALWAYS | {A.EDIT, A.SUBMIT, A.QUEUE, A.CANCEL, A.DELETE},
    Phase.APPROVED: _ALWAYS | {A.EDIT, A.SCHEDULE, A.PUBLISH_NOW, A.QUEUE, A.CANCEL},
    # a network that failed while others wait (or go out) can be retried on its own
    Phase.SCHEDULED: _ALWAYS | {A.EDIT, A.RESCHEDULE, A.PUBLISH_NOW, A.UNSCHEDULE, A.CANCEL,
                                A.RETRY_TARGET},
    # due now but not yet taken by the dispatcher: it can still be stopped
    Phase.QUEUED: _ALWAYS | {A.UNSCHEDULE, A.CANCEL, A.RETRY_TARGET},
    Phase.PUBLISHING: _ALWAYS | {A.RETRY_TARGET},
    Phase.PUBLISHED: _ALWAYS | {A.DELETE},
    # what went out stays out; what has not gone out yet can be cancelled or retried
    Phase.PARTLY: _ALWAYS | {A.RETRY_TARGET, A.CANCEL, A.DELETE},
    Phase.FAILED: _ALWAYS | {A.EDIT, A.RETRY_TARGET, A.RESCHEDULE, A.PUBLISH_NOW,
                             A.UNSCHEDULE, A.CANCEL},
    Phase.UNCONFIRMED: _ALWAYS | {A.DECIDE_TARGET},
    Phase.CANCELLED: _ALWAYS | {A.DELETE},
    Phase.ARCHIVED: _ALWAYS,
}

# Why an action is refused, where the phase itself is the reason.
REFUSALS: dict[str, Promise] = {
    Phase.QUEUED: _("This post is already queued to go out now. Nothing is sent twice."),
    Phase.PUBLISHING: _("This post is being published right now. Wait for the result."),
    Phase.PUBLISHED: _("This post has already been published on every network."),
    Phase.PARTLY: _("This post was published on some networks. Retry the failed network "
                    "instead."),
    Phase.UNCONFIRMED: _("First check whether the post went out on the unconfirmed network "
                         "and say so."),
    Phase.CANCELLED: _("This post was cancelled."),
    Phase.ARCHIVED: _("This post is archived."),
}


def post_phase(status: str, targets, now=None) -> str:
    """The phase of a post with `status` and its `targets` (objects with `status` and
    `next_attempt_at`). Only a scheduled post has a delivery phase."""
    if status != P.SCHEDULED:
        return status
    live = [t for t in targets if t.status not in (T.CANCELLED, T.DELETED)]
    if not live:
        return Phase.SCHEDULED
    states = [t.status for t in live]
    if T.UNCONFIRMED in states:
        return Phase.UNCONFIRMED
    if T.PUBLISHING in states:
        return Phase.PUBLISHING
    published, failed = states.count(T.PUBLISHED), states.count(T.FAILED)
    waiting = [t for t in live if t.status in (T.PENDING, T.SCHEDULED, T.PAUSED)]
    if published == len(live):
        return Phase.PUBLISHED
    if failed == len(live):
        return Phase.FAILED
    if waiting and _all_due(waiting, now):
        return Phase.QUEUED
    if published:
        return Phase.PARTLY
    return Phase.SCHEDULED


def _all_due(targets, now) -> bool:
    """Every waiting target is due (Publish now was pressed, or its time came)."""
    from django.utils import timezone

    now = now or timezone.now()
    return all(t.status == T.SCHEDULED and t.next_attempt_at is not None
               and t.next_attempt_at <= now for t in targets)


def allowed_actions(phase: str) -> frozenset[str]:
    return ACTIONS.get(phase, _ALWAYS)


def refusal(phase: str, action: str) -> str:
    """The sentence that says why `action` is not possible in `phase`."""
    if phase in REFUSALS:
        return str(REFUSALS[phase])
    if action == Action.DELETE:
        return _("Only drafts can be deleted. Cancel the post first.")
    return _("“%(action)s” is not possible for a post that is “%(phase)s”.") % {
        "action": ACTION_LABELS.get(action, action), "phase": PHASE_LABELS.get(phase, phase)}
