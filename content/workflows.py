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
        T.PAUSED: frozenset({T.SCHEDULED, T.PENDING, T.CANCELLED}),
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
