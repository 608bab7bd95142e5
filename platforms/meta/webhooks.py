"""Meta webhooks (Facebook Page `feed`, Instagram `comments`): verify, parse, dispatch.

Meta signs each POST with `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw
body with the app secret>`; `verify_signature` checks it in constant time before
anything is parsed. `parse_events` turns the payload into `(object, entry id,
InboxEntry)` events (comments only: reactions, posts and edits by the page are
ignored). The inbox (`inbox.services.meta_events.meta_events_ingest`) finds the
organisations' connected accounts for each entry id (a Page id or an Instagram user id;
several organisations may share one) and hands the entries to its idempotent upsert.
Meta does not redeliver missed events, so the inbox's polling stays the backfill.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass

from platforms.base import InboxEntry
from platforms.meta.base import parse_time

log = logging.getLogger(__name__)

PROVIDER_FOR_OBJECT = {"page": "facebook", "instagram": "instagram"}


class BadPayload(ValueError):
    """The body is not a Meta webhook payload."""


@dataclass(frozen=True)
class WebhookEvent:
    provider: str  # "facebook" | "instagram"
    external_id: str  # the Page id or Instagram user id the event belongs to
    entry: InboxEntry


def verify_signature(body: bytes, header: str, app_secret: str) -> bool:
    """True when `header` is `sha256=<hex>` of `body` under `app_secret` (constant time)."""
    if not app_secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


def parse_events(body: bytes) -> list[WebhookEvent]:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadPayload("not JSON") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        raise BadPayload("no entry list")
    provider = PROVIDER_FOR_OBJECT.get(str(payload.get("object")))
    if provider is None:
        return []
    events = []
    for entry in payload["entry"]:
        if not isinstance(entry, dict) or not entry.get("id"):
            continue
        for change in entry.get("changes") or []:
            parsed = _parse_change(provider, change, entry.get("time"))
            if parsed is not None:
                events.append(WebhookEvent(provider, str(entry["id"]), parsed))
    return events


def _parse_change(provider: str, change: object, sent_at) -> InboxEntry | None:
    if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
        return None
    value = change["value"]
    if provider == "facebook" and change.get("field") == "feed":
        return _page_comment(value, sent_at)
    if provider == "instagram" and change.get("field") in ("comments", "live_comments"):
        return _instagram_comment(value, sent_at)
    return None


def _page_comment(value: dict, sent_at) -> InboxEntry | None:
    if value.get("item") != "comment" or not value.get("comment_id"):
        return None
    author = value.get("from") if isinstance(value.get("from"), dict) else {}
    post_id = str(value.get("post_id") or "")
    parent = str(value.get("parent_id") or post_id)
    created = parse_time(value.get("created_time")) or parse_time(sent_at)
    if created is None:
        return None
    comment_id = str(value["comment_id"])
    return InboxEntry(
        remote_id=comment_id, kind="comment" if parent == post_id else "reply",
        author_handle=str(author.get("id") or ""), author_name=str(author.get("name") or ""),
        text=str(value.get("message") or ""), url=f"https://www.facebook.com/{comment_id}",
        created_at=created, parent_remote_id=parent, root_remote_id=post_id,
        deleted=value.get("verb") == "remove", raw=value,
    )


def _instagram_comment(value: dict, sent_at) -> InboxEntry | None:
    if not value.get("id"):
        return None
    author = value.get("from") if isinstance(value.get("from"), dict) else {}
    media = value.get("media") if isinstance(value.get("media"), dict) else {}
    created = parse_time(sent_at)
    if created is None:
        return None
    parent = str(value.get("parent_id") or "")
    media_id = str(media.get("id") or "")
    username = str(author.get("username") or "")
    return InboxEntry(
        remote_id=str(value["id"]), kind="reply" if parent else "comment",
        author_handle=username, author_name=username, text=str(value.get("text") or ""),
        url="https://www.instagram.com/", created_at=created,
        parent_remote_id=parent or media_id, root_remote_id=media_id, raw=value,
    )
