"""Inbox services: the only code that changes inbox state. Views and tasks call these."""

from inbox.services.automation import inbox_rules_apply
from inbox.services.ingest import IngestResult, inbox_ingest_entries
from inbox.services.items import (
    inbox_item_assign,
    inbox_item_set_flags,
    inbox_item_set_status,
    inbox_items_add_label,
    inbox_items_assign,
    inbox_items_set_status,
    inbox_note_add,
)
from inbox.services.listening import inbox_enqueue_due_searches, inbox_poll_cursor
from inbox.services.polling import inbox_enqueue_due_polls
from inbox.services.privacy import inbox_author_erase, inbox_author_export, inbox_purge_expired
from inbox.services.replies import (
    inbox_reply_approve,
    inbox_reply_create,
    inbox_reply_reject,
    inbox_reply_retry,
    inbox_reply_send,
)

__all__ = [
    "IngestResult",
    "inbox_author_erase",
    "inbox_author_export",
    "inbox_enqueue_due_polls",
    "inbox_enqueue_due_searches",
    "inbox_ingest_entries",
    "inbox_item_assign",
    "inbox_item_set_flags",
    "inbox_item_set_status",
    "inbox_items_add_label",
    "inbox_items_assign",
    "inbox_items_set_status",
    "inbox_note_add",
    "inbox_poll_cursor",
    "inbox_purge_expired",
    "inbox_reply_approve",
    "inbox_reply_create",
    "inbox_reply_reject",
    "inbox_reply_retry",
    "inbox_reply_send",
    "inbox_rules_apply",
]
