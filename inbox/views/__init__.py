from inbox.views.alerts import alert_ack, alerts
from inbox.views.bulk import bulk_status
from inbox.views.items import (
    item_assign,
    item_detail,
    item_flags,
    item_hide,
    item_note,
    item_reply,
    item_sentiment,
    item_snooze,
    item_status,
    reply_decide,
    reply_retry,
    reply_state,
)
from inbox.views.listing import inbox, inbox_new
from inbox.views.manage import (
    inbox_privacy,
    inbox_settings,
    inbox_settings_delete,
    inbox_settings_edit,
)
from inbox.views.media import avatar
from inbox.views.trends import trends

__all__ = [
    "alert_ack", "alerts",
    "avatar", "bulk_status", "inbox", "inbox_new", "inbox_privacy", "inbox_settings",
    "inbox_settings_delete", "inbox_settings_edit", "item_assign", "item_detail", "item_flags",
    "item_hide", "item_note",
    "item_reply", "item_sentiment", "item_snooze", "item_status", "reply_decide", "reply_retry",
    "reply_state",
    "trends",
]
