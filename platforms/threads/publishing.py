"""Publishing to Threads: the two-step container flow, replies, the 24-hour quotas.

1. `POST /{user-id}/threads` creates a container: `media_type` TEXT, IMAGE or VIDEO
   (with `image_url`/`video_url` that Threads downloads itself), or CAROUSEL over 2–20
   item containers created with `is_carousel_item=true`. `reply_to_id` makes the post a
   reply (thread parts, first comments, answers from the inbox).
2. The container is polled (`GET /{container-id}?fields=status,error_message`) until
   FINISHED; ERROR is a refusal with Threads' reason, EXPIRED (not published within 24 h)
   or still IN_PROGRESS after the last poll is temporary.
3. `POST /{user-id}/threads_publish` with `creation_id` publishes it.

Threads caps an account at 250 API-published posts and 1,000 replies per moving 24 hours
(`GET /{user-id}/threads_publishing_limit`); the quota is read before a container is
created, so a full quota waits instead of leaving half-made containers behind.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from platforms.base import MediaFile, PublishingQuota, PublishRequest, RemotePost
from platforms.errors import RateLimited, Rejected, Transient
from platforms.http import pick
from platforms.meta.base import parse_time

if TYPE_CHECKING:
    from accounts.models import ConnectedAccount

Call = Callable[..., Any]
MAX_CAROUSEL = 20
QUOTA_FIELDS = "quota_usage,config,reply_quota_usage,reply_config"
POST_FIELDS = "id,text,timestamp,permalink"
REPLY_FIELDS = "id,text,timestamp,permalink,replied_to"
FALLBACK_URL = "https://www.threads.com/"
QUOTA_CACHE_SECONDS = 10 * 60


def quota_cache_key(account: ConnectedAccount) -> str:
    return f"threads:quotas:{account.pk}"


def read_quotas(call: Call, account: ConnectedAccount) -> list[PublishingQuota]:
    """The posts and replies quotas as Threads reports them now (either may be absent).

    Each reading is also kept for `QUOTA_CACHE_SECONDS`, for the accounts page."""
    data = call(account, "GET", f"{account.external_id}/threads_publishing_limit",
                params={"fields": QUOTA_FIELDS})
    rows = pick(data, "data", list, what="Threads publishing limit")
    row = rows[0] if rows and isinstance(rows[0], dict) else {}
    quotas = [q for q in (_quota(row, "posts", "quota_usage", "config"),
                          _quota(row, "replies", "reply_quota_usage", "reply_config")) if q]
    cache.set(quota_cache_key(account), quotas, QUOTA_CACHE_SECONDS)
    return quotas


def _quota(row: dict, kind: str, used_field: str, config_field: str) -> PublishingQuota | None:
    what = "Threads publishing limit"
    used = pick(row, used_field, int, what=what, default=None)
    total = pick(row, f"{config_field}.quota_total", int, what=what, default=None)
    if used is None or total is None:
        return None
    window = pick(row, f"{config_field}.quota_duration", int, what=what, default=86400)
    return PublishingQuota(kind=kind, used=used, total=total, window_seconds=window)


def check_quota(call: Call, account: ConnectedAccount, *, reply: bool) -> None:
    kind = "replies" if reply else "posts"
    quota = next((q for q in read_quotas(call, account) if q.kind == kind), None)
    if quota is None or not quota.exhausted:
        return
    # A moving window: the oldest post leaves it some time within the window.
    retry_after = min(3600.0, float(quota.window_seconds))
    if reply:
        raise RateLimited(_("Threads' limit of %(total)d replies per day is used up.")
                          % {"total": quota.total}, retry_after=retry_after, status=None)
    raise RateLimited(_("Threads' publishing limit of %(total)d posts per day is used up.")
                      % {"total": quota.total}, retry_after=retry_after, status=None)


def publish(call: Call, account: ConnectedAccount, request: PublishRequest) -> RemotePost:
    if len(request.media) > MAX_CAROUSEL:
        raise Rejected(_("Threads takes at most %(max)d images or videos in one post.")
                       % {"max": MAX_CAROUSEL})
    missing = [m.filename for m in request.media if not m.public_url]
    if missing:
        raise Rejected(_("Threads fetches images and videos from a public address, and this "
                         "installation has none for: %(files)s. Check the setup test on the "
                         "Threads connect page.") % {"files": ", ".join(missing)})
    check_quota(call, account, reply=bool(request.reply_to))
    container = create_container(call, account, request)
    wait_until_finished(call, account, container)
    answer = call(account, "POST", f"{account.external_id}/threads_publish",
                  data={"creation_id": container})
    media_id = pick(answer, "id", str, what="Threads publish answer")
    return remote_post(call, account, media_id)


def create_container(call: Call, account: ConnectedAccount, request: PublishRequest) -> str:
    path = f"{account.external_id}/threads"
    data: dict[str, str] = {}
    if request.text:
        data["text"] = request.text
    if request.reply_to:
        data["reply_to_id"] = request.reply_to
    if not request.media:
        data["media_type"] = "TEXT"
        if request.link:
            data["link_attachment"] = request.link
    elif len(request.media) == 1:
        data.update(_media_fields(request.media[0]))
    else:
        children = [_create(call, account, path, {**_media_fields(m), "is_carousel_item": "true"})
                    for m in request.media]
        for child in children:
            wait_until_finished(call, account, child)
        data.update({"media_type": "CAROUSEL", "children": ",".join(children)})
    return _create(call, account, path, data)


def _create(call: Call, account: ConnectedAccount, path: str, data: dict) -> str:
    return pick(call(account, "POST", path, data=data), "id", str,
                what="Threads container answer")


def _media_fields(media: MediaFile) -> dict[str, str]:
    if media.content_type.startswith("video/"):
        fields = {"media_type": "VIDEO", "video_url": media.public_url}
    else:
        fields = {"media_type": "IMAGE", "image_url": media.public_url}
    if media.alt_text:
        fields["alt_text"] = media.alt_text
    return fields


def wait_until_finished(call: Call, account: ConnectedAccount, container: str) -> None:
    attempts = max(1, settings.THREADS_POLL_ATTEMPTS)
    for attempt in range(attempts):
        data = call(account, "GET", container, params={"fields": "status,error_message"})
        status = pick(data, "status", str, what="Threads container status")
        if status in ("FINISHED", "PUBLISHED"):
            return
        if status == "ERROR":
            detail = pick(data, "error_message", str, what="Threads container status",
                          default="")
            raise Rejected(_("Threads could not process the media: %(detail)s")
                           % {"detail": detail or _("no reason given")})
        if status == "EXPIRED":
            # Nothing went out; the next attempt creates a fresh container.
            raise Transient(_("The Threads container expired before publishing."))
        if attempt + 1 < attempts:
            time.sleep(settings.THREADS_POLL_INTERVAL)
    raise Transient(_("Threads is still processing the media; trying again later."))


def remote_post(call: Call, account: ConnectedAccount, media_id: str) -> RemotePost:
    try:
        data = call(account, "GET", media_id, params={"fields": "permalink,timestamp"})
    except (Rejected, Transient):
        # The post is out; a missing permalink must not turn success into a retry.
        return RemotePost(id=media_id, url=FALLBACK_URL, published_at=timezone.now())
    url = pick(data, "permalink", str, what="Threads post", default="")
    return RemotePost(id=media_id, url=url or FALLBACK_URL,
                      published_at=parse_time(data.get("timestamp")) or timezone.now())


def find_published(call: Call, account: ConnectedAccount,
                   request: PublishRequest) -> RemotePost | None:
    """The account's recent post (or reply, under the same parent) with this text.

    Threads has no idempotency key; a post without text cannot be told apart from others,
    so that case answers "cannot tell" (NotSupported) and a person decides.
    """
    from platforms.errors import NotSupported

    if not request.text:
        raise NotSupported(_("A Threads post without text cannot be looked up."))
    edge, fields = ("replies", REPLY_FIELDS) if request.reply_to else ("threads", POST_FIELDS)
    data = call(account, "GET", f"{account.external_id}/{edge}",
                params={"fields": fields, "limit": 25})
    for row in pick(data, "data", list, what="Threads posts"):
        if not isinstance(row, dict) or (row.get("text") or "") != request.text:
            continue
        if request.reply_to and _parent(row) != request.reply_to:
            continue
        post_id = pick(row, "id", str, what="Threads post")
        return RemotePost(id=post_id, url=str(row.get("permalink") or FALLBACK_URL),
                          published_at=parse_time(row.get("timestamp")))
    return None


def _parent(row: dict) -> str:
    parent = row.get("replied_to")
    return str(parent.get("id") or "") if isinstance(parent, dict) else str(parent or "")
