from inbox.models.alerts import Alert, AlertKind
from inbox.models.cursors import SOURCE_INBOX, InboxCursor, search_source
from inbox.models.items import InboxItem, ItemKind, ItemStatus, Sentiment
from inbox.models.listening import SavedSearch
from inbox.models.notes import InboxNote, SavedReply
from inbox.models.org_settings import InboxSettings
from inbox.models.replies import (
    REPLY_INITIAL,
    REPLY_TERMINAL,
    REPLY_TRANSITIONS,
    InboxReply,
    ReplyStatus,
)
from inbox.models.rules import AutomationRule
from inbox.models.sentiment import SentimentCorrection

__all__ = [
    "REPLY_INITIAL",
    "REPLY_TERMINAL",
    "REPLY_TRANSITIONS",
    "SOURCE_INBOX",
    "Alert",
    "AlertKind",
    "AutomationRule",
    "InboxCursor",
    "InboxItem",
    "InboxNote",
    "InboxReply",
    "InboxSettings",
    "ItemKind",
    "ItemStatus",
    "ReplyStatus",
    "SavedReply",
    "SavedSearch",
    "Sentiment",
    "SentimentCorrection",
    "search_source",
]
