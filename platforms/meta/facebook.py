"""Facebook Pages through the Graph API: posts with photos, comments, replies, page metrics.

Connecting: Facebook Login lists the user's Pages; each Page the user may post to
(CREATE_CONTENT task) becomes a choice carrying its own Page access token.
Publishing: text/link posts go to `/{page-id}/feed`; one photo to `/{page-id}/photos`;
several photos are uploaded unpublished and attached to one feed post with
`attached_media`. Facebook accepts uploads, so a public media URL is optional.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from platforms.base import (
    ConnectResult,
    InboxEntry,
    Limits,
    MediaFile,
    PublishRequest,
    RemoteAccount,
    RemotePost,
    Tokens,
)
from platforms.errors import Rejected
from platforms.http import pick
from platforms.meta.base import MetaProvider, parse_time

if TYPE_CHECKING:
    from accounts.models import ConnectedAccount
    from platforms.meta.login import Page

COMMENT_FIELDS = "id,message,created_time,from,parent{id},permalink_url"
FEED_FIELDS = ("id,message,created_time,permalink_url,"
               f"comments.limit(50).filter(stream).order(reverse_chronological){{{COMMENT_FIELDS}}}")
POST_METRIC_FIELDS = ("reactions.summary(total_count).limit(0),"
                      "comments.summary(true).limit(0),shares")


class FacebookPageProvider(MetaProvider):
    key = "facebook"
    name = "Facebook"
    platform = "Facebook"
    supports_first_comment = True
    inbox_fields = FEED_FIELDS
    own_comments_params = {"fields": COMMENT_FIELDS, "filter": "toplevel",
                           "order": "reverse_chronological", "limit": 50}
    account_metric_fields = (("followers", "followers_count"), ("fans", "fan_count"))
    post_metric_query = POST_METRIC_FIELDS
    post_metric_fields = (("likes", "reactions.summary.total_count"),
                          ("replies", "comments.summary.total_count"),
                          ("reposts", "shares.count"))

    # --- connecting ---------------------------------------------------------------------
    def _choices(self, pages: list[Page], *, user_expires_at) -> list[ConnectResult]:
        choices = []
        for page in pages:
            if page.tasks and "CREATE_CONTENT" not in page.tasks:
                continue  # the user cannot post to this page
            account = RemoteAccount(external_id=page.id, handle=page.username or page.name,
                                    display_name=page.name, avatar_url=page.picture_url)
            settings = {"page_id": page.id, "tasks": list(page.tasks)}
            if page.instagram:
                settings["instagram_business_account"] = {
                    "id": page.instagram["id"], "username": page.instagram.get("username", "")}
            # A Page token obtained from a long-lived user token does not expire.
            choices.append(ConnectResult(
                account=account, tokens=Tokens(access_token=page.access_token), settings=settings,
                label=_("%(name)s (Facebook page)") % {"name": page.name}))
        return choices

    def _nothing_to_connect_message(self) -> str:
        return _("This Facebook login manages no page you may post to. Make sure you are an "
                 "admin or editor of the page and allowed socialmgr to use it.")

    # --- writing ------------------------------------------------------------------------
    def limits(self, account: ConnectedAccount) -> Limits:
        return Limits(max_chars=63206, counting="chars", max_media=10,
                      max_image_bytes=4 * 1024 * 1024,
                      media_types=("image/jpeg", "image/png", "image/gif", "image/webp"),
                      alt_text_max=1000)

    def publish(self, account: ConnectedAccount, request: PublishRequest) -> RemotePost:
        page_id = account.external_id
        if len(request.media) == 1:
            answer = self._upload_photo(account, request.media[0], published=True,
                                        caption=request.text)
            post_id = pick(answer, "post_id", str, what="Facebook photo answer")
        elif request.media:
            photo_ids = [pick(self._upload_photo(account, m, published=False), "id", str,
                              what="Facebook photo answer") for m in request.media]
            data = {"message": request.text}
            for index, photo_id in enumerate(photo_ids):
                data[f"attached_media[{index}]"] = json.dumps({"media_fbid": photo_id})
            post_id = pick(self.call(account, "POST", f"{page_id}/feed", data=data), "id", str,
                           what="Facebook post answer")
        else:
            data = {"message": request.text}
            if request.link:
                data["link"] = request.link
            post_id = pick(self.call(account, "POST", f"{page_id}/feed", data=data), "id", str,
                           what="Facebook post answer")
        return RemotePost(id=post_id, url=post_url(post_id), published_at=timezone.now())

    def _upload_photo(self, account: ConnectedAccount, media: MediaFile, *, published: bool,
                      caption: str = "") -> dict:
        if not media.content_type.startswith("image/"):
            raise Rejected(_("Only images can be posted to a Facebook page here."))
        data = {"published": "true" if published else "false"}
        if caption:
            data["caption"] = caption
        if media.alt_text:
            data["alt_text_custom"] = media.alt_text
        path = f"{account.external_id}/photos"
        if media.public_url:
            data["url"] = media.public_url
            return self.call(account, "POST", path, data=data)
        if media.open is None:
            raise Rejected(_("The image %(name)s could not be read.") % {"name": media.filename})
        with media.open() as handle:
            files = {"source": (media.filename, handle, media.content_type)}
            return self.call(account, "POST", path, data=data, files=files)

    # --- what the shared code asks --------------------------------------------------------
    def post_url(self, post_id: str) -> str:
        return post_url(post_id)

    def comment_url(self, comment_id: str) -> str:
        return f"https://www.facebook.com/{comment_id}"

    def _is_own_comment(self, account: ConnectedAccount, row: dict) -> bool:
        author = row.get("from")
        return isinstance(author, dict) and author.get("id") == account.external_id

    def _comment_entries(self, account: ConnectedAccount, posts: list) -> Iterator[InboxEntry]:
        for post in posts:
            post_id = pick(post, "id", str, what="Facebook post")
            for row in pick(post, "comments.data", list, what="Facebook comments", default=[]):
                entry = comment_entry(row, post_id=post_id, page_id=account.external_id)
                if entry:
                    yield entry


def post_url(post_id: str) -> str:
    page_id, _sep, story = post_id.partition("_")
    if story:
        return f"https://www.facebook.com/{page_id}/posts/{story}"
    return f"https://www.facebook.com/{post_id}"


def comment_entry(row: dict, *, post_id: str, page_id: str) -> InboxEntry | None:
    """A Graph comment as an InboxEntry; None for the page's own comments (our replies)."""
    author = row.get("from") if isinstance(row.get("from"), dict) else {}
    if author.get("id") == page_id:
        return None
    created = parse_time(row.get("created_time"))
    comment_id = row.get("id")
    if not isinstance(comment_id, str) or created is None:
        return None
    parent = row.get("parent") if isinstance(row.get("parent"), dict) else {}
    parent_id = parent.get("id") or post_id
    return InboxEntry(
        remote_id=comment_id, kind="reply" if parent.get("id") else "comment",
        author_handle=str(author.get("id") or ""), author_name=str(author.get("name") or ""),
        text=str(row.get("message") or ""),
        url=str(row.get("permalink_url") or f"https://www.facebook.com/{comment_id}"),
        created_at=created, parent_remote_id=parent_id, root_remote_id=post_id, raw=row,
    )
