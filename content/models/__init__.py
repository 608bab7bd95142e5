from content.models.approvals import (
    ApprovalStep,
    ClientReviewLink,
    CommentKind,
    Decision,
    PostApproval,
    PostComment,
)
from content.models.calendar import (
    CalendarFeedToken,
    Frequency,
    QueueSlot,
    RecurrenceOccurrence,
    RecurrenceRule,
)
from content.models.deletions import DeletionStatus, TargetDeletion
from content.models.edits import EditStatus, TargetEdit
from content.models.feeds import Feed, FeedEntry
from content.models.media import LinkPreview, MediaAsset, MediaKind, MediaRendition
from content.models.notifications import Notification
from content.models.parts import PartKind, PartState, TargetPart
from content.models.posts import Label, Post, PostTarget, PostTargetMedia, Snippet

__all__ = [
    "ApprovalStep",
    "CalendarFeedToken",
    "ClientReviewLink",
    "CommentKind",
    "Decision",
    "DeletionStatus",
    "EditStatus",
    "Feed",
    "FeedEntry",
    "Frequency",
    "Label",
    "LinkPreview",
    "MediaAsset",
    "MediaKind",
    "MediaRendition",
    "Notification",
    "PartKind",
    "PartState",
    "Post",
    "PostApproval",
    "PostComment",
    "PostTarget",
    "PostTargetMedia",
    "QueueSlot",
    "RecurrenceOccurrence",
    "RecurrenceRule",
    "Snippet",
    "TargetDeletion",
    "TargetEdit",
    "TargetPart",
]
