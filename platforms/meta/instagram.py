"""Instagram professional accounts through the Graph API (Facebook Login variant).

Publishing is Meta's three-step flow: create a container (`POST /{ig-user}/media`
with an `image_url` Meta fetches itself), poll its `status_code` until FINISHED,
then `POST /{ig-user}/media_publish`. Several images become a CAROUSEL of child
containers. Meta must be able to fetch every image, so each MediaFile needs a
`public_url` (see `platforms.meta.public_media`). The 24-hour publishing
quota is read from `content_publishing_limit` before anything is created.

Calls use the linked Page's access token (it does not expire), which the Graph
API accepts for the Page's Instagram account.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from platforms.base import (
    ConnectResult,
    InboxEntry,
    Limits,
    MediaFile,
    MetricValue,
    Problem,
    PublishRequest,
    RemoteAccount,
    RemotePost,
    Tokens,
)
from platforms.errors import NotSupported, ProviderError, RateLimited, Rejected, Transient
from platforms.http import pick
from platforms.meta.base import MetaProvider, parse_time
from platforms.validation import validate_against_limits

if TYPE_CHECKING:
    from accounts.models import ConnectedAccount
    from platforms.meta.login import Page

MAX_HASHTAGS = 30
COMMENT_FIELDS = "id,text,timestamp,username,from,parent_id"
MEDIA_FIELDS = ("id,caption,timestamp,permalink,comments_count,"
                f"comments.limit(50){{{COMMENT_FIELDS},replies{{{COMMENT_FIELDS}}}}}")
INSIGHT_METRICS = "reach,saved,views"


class InstagramProvider(MetaProvider):
    key = "instagram"
    name = "Instagram"
    platform = "Instagram"
    # The Instagram Graph API deletes comments, never published media.
    supports_delete = False
    supports_first_comment = True
    posts_edge = "media"
    post_text_field = "caption"
    post_time_field = "timestamp"
    post_link_field = "permalink"
    comment_text_field = "text"
    comment_time_field = "timestamp"
    reply_edge = "replies"  # replies go under top-level comments
    inbox_fields = MEDIA_FIELDS
    own_comments_params = {"fields": "id,text,timestamp,username", "limit": 50}
    account_metric_fields = (("followers", "followers_count"), ("following", "follows_count"),
                             ("posts", "media_count"))
    post_metric_query = "like_count,comments_count"
    post_metric_fields = (("likes", "like_count"), ("replies", "comments_count"))

    # --- connecting ---------------------------------------------------------------------
    def _choices(self, pages: list[Page], *, user_expires_at) -> list[ConnectResult]:
        choices = []
        for page in pages:
            ig = page.instagram
            if not ig:
                continue
            username = str(ig.get("username") or ig["id"])
            account = RemoteAccount(external_id=str(ig["id"]), handle=username,
                                    display_name=str(ig.get("name") or username),
                                    avatar_url=str(ig.get("profile_picture_url") or ""))
            choices.append(ConnectResult(
                account=account, tokens=Tokens(access_token=page.access_token),
                settings={"page_id": page.id, "page_name": page.name, "username": username},
                label=_("@%(username)s (Instagram, linked to %(page)s)")
                % {"username": username, "page": page.name}))
        return choices

    def _nothing_to_connect_message(self) -> str:
        return _("None of the Facebook pages of this login has an Instagram professional "
                 "account linked. Link the Instagram business or creator account to a page "
                 "in the Instagram app (Settings → Account type and tools), then try again.")

    # --- writing ------------------------------------------------------------------------
    def limits(self, account: ConnectedAccount) -> Limits:
        return Limits(max_chars=2200, counting="chars", max_media=10,
                      max_image_bytes=8 * 1024 * 1024, media_types=("image/jpeg",),
                      alt_text_max=1000)

    def validate(self, account: ConnectedAccount, text: str,
                 media: list[MediaFile]) -> list[Problem]:
        problems = validate_against_limits(self.limits(account), text, media,
                                           platform=self.name)
        if not media:
            problems.append(Problem("media_required",
                                    _("Instagram posts need at least one image."), field="media"))
        hashtags = sum(1 for word in text.split() if word.startswith("#") and len(word) > 1)
        if hashtags > MAX_HASHTAGS:
            problems.append(Problem("too_many_hashtags", _(
                "Instagram allows at most %(max)d hashtags (%(count)d used).")
                % {"max": MAX_HASHTAGS, "count": hashtags}))
        return problems

    def publish(self, account: ConnectedAccount, request: PublishRequest) -> RemotePost:
        if not request.media:
            raise Rejected(_("Instagram posts need at least one image."))
        missing = [m.filename for m in request.media if not m.public_url]
        if missing:
            raise Rejected(_("Instagram fetches images from a public address, and this "
                             "installation has none for: %(files)s. Check the setup test on "
                             "the Instagram connect page.") % {"files": ", ".join(missing)})
        self._check_quota(account)
        container = self._create_container(account, request)
        self._wait_until_finished(account, container)
        answer = self.call(account, "POST", f"{account.external_id}/media_publish",
                           data={"creation_id": container})
        media_id = pick(answer, "id", str, what="Instagram publish answer")
        return self._remote_post(account, media_id)

    def delete(self, account: ConnectedAccount, remote_id: str) -> None:
        raise NotSupported(_("Instagram's API cannot delete posts: remove it in the Instagram "
                             "app."))

    def _check_quota(self, account: ConnectedAccount) -> None:
        data = self.call(account, "GET", f"{account.external_id}/content_publishing_limit",
                         params={"fields": "quota_usage,config"})
        rows = pick(data, "data", list, what="Instagram publishing limit")
        if not rows or not isinstance(rows[0], dict):
            return
        usage = pick(rows[0], "quota_usage", int, what="Instagram publishing limit", default=0)
        total = pick(rows[0], "config.quota_total", int, what="Instagram publishing limit",
                     default=None)
        if total is not None and usage >= total:
            duration = pick(rows[0], "config.quota_duration", int,
                            what="Instagram publishing limit", default=86400)
            # A moving window: the oldest post leaves it some time within `duration`.
            raise RateLimited(_("Instagram's publishing limit of %(total)d posts per day is "
                                "used up.") % {"total": total},
                              retry_after=min(3600.0, float(duration)), status=None)

    def _create_container(self, account: ConnectedAccount, request: PublishRequest) -> str:
        path = f"{account.external_id}/media"
        if len(request.media) == 1:
            media = request.media[0]
            data = {"image_url": media.public_url, "caption": request.text}
            if media.alt_text:
                data["alt_text"] = media.alt_text
            return pick(self.call(account, "POST", path, data=data), "id", str,
                        what="Instagram container answer")
        children = []
        for media in request.media:
            data = {"image_url": media.public_url, "is_carousel_item": "true"}
            if media.alt_text:
                data["alt_text"] = media.alt_text
            children.append(pick(self.call(account, "POST", path, data=data), "id", str,
                                 what="Instagram container answer"))
        for child in children:
            self._wait_until_finished(account, child)
        data = {"media_type": "CAROUSEL", "children": ",".join(children),
                "caption": request.text}
        return pick(self.call(account, "POST", path, data=data), "id", str,
                    what="Instagram container answer")

    def _wait_until_finished(self, account: ConnectedAccount, container: str) -> None:
        """Poll the container; FINISHED returns, ERROR is Rejected, EXPIRED or slow is Transient."""
        attempts = max(1, settings.INSTAGRAM_POLL_ATTEMPTS)
        for attempt in range(attempts):
            data = self.call(account, "GET", container, params={"fields": "status_code,status"})
            status = pick(data, "status_code", str, what="Instagram container status")
            if status in ("FINISHED", "PUBLISHED"):
                return
            if status == "ERROR":
                detail = pick(data, "status", str, what="Instagram container status",
                              default="")
                raise Rejected(_("Instagram could not process the media: %(detail)s")
                               % {"detail": detail or _("no reason given")})
            if status == "EXPIRED":
                # Nothing went out; the next attempt creates a fresh container.
                raise Transient(_("The Instagram container expired before publishing."))
            if attempt + 1 < attempts:
                time.sleep(settings.INSTAGRAM_POLL_INTERVAL)
        raise Transient(_("Instagram is still processing the media; trying again later."))

    def _remote_post(self, account: ConnectedAccount, media_id: str) -> RemotePost:
        try:
            data = self.call(account, "GET", media_id, params={"fields": "permalink,timestamp"})
        except ProviderError:
            # The post is out; a missing permalink must not turn success into a retry.
            return RemotePost(id=media_id, url="https://www.instagram.com/",
                              published_at=timezone.now())
        url = pick(data, "permalink", str, what="Instagram media", default="")
        return RemotePost(id=media_id, url=url or "https://www.instagram.com/",
                          published_at=parse_time(data.get("timestamp")) or timezone.now())

    # --- what the shared code asks --------------------------------------------------------
    def post_url(self, post_id: str) -> str:
        return "https://www.instagram.com/"

    def comment_url(self, comment_id: str) -> str:
        return "https://www.instagram.com/"

    def _is_own_comment(self, account: ConnectedAccount, row: dict) -> bool:
        return row.get("username") == own_username(account)

    def _comment_entries(self, account: ConnectedAccount, posts: list) -> Iterator[InboxEntry]:
        own = own_username(account)
        for media in posts:
            media_id = pick(media, "id", str, what="Instagram media")
            permalink = str(media.get("permalink") or "")
            for row in pick(media, "comments.data", list, what="Instagram comments", default=[]):
                rows = [row, *pick(row, "replies.data", list, what="Instagram replies",
                                   default=[])]
                for item in rows:
                    entry = comment_entry(item, media_id=media_id, permalink=permalink, own=own)
                    if entry:
                        yield entry

    def _more_post_metrics(self, account: ConnectedAccount,
                           remote_id: str) -> dict[str, MetricValue]:
        return self._insights(account, remote_id)

    def _insights(self, account: ConnectedAccount, remote_id: str) -> dict[str, MetricValue]:
        """reach/saved/views where Meta gives them; too few viewers (#10) or an album child
        simply has none, which is absent rather than zero."""
        try:
            data = self.call(account, "GET", f"{remote_id}/insights",
                             params={"metric": INSIGHT_METRICS})
        except Rejected:
            return {}
        names = {"reach": "reach", "saved": "saves", "views": "impressions"}
        values = {}
        for row in pick(data, "data", list, what="Instagram insights", default=[]):
            name = row.get("name") if isinstance(row, dict) else None
            points = row.get("values") if isinstance(row, dict) else None
            if name in names and isinstance(points, list) and points:
                value = points[0].get("value") if isinstance(points[0], dict) else None
                if isinstance(value, int) and not isinstance(value, bool):
                    values[names[name]] = MetricValue(value, f"insights.{name}")
        return values


def own_username(account: ConnectedAccount) -> str:
    return str(account.settings.get("username") or account.handle)


def comment_entry(row: dict, *, media_id: str, permalink: str, own: str) -> InboxEntry | None:
    """An IG comment as an InboxEntry; None for the account's own comments (our replies)."""
    if not isinstance(row, dict):
        return None
    author = row.get("from") if isinstance(row.get("from"), dict) else {}
    username = str(author.get("username") or row.get("username") or "")
    if own and username == own:
        return None
    created = parse_time(row.get("timestamp"))
    comment_id = row.get("id")
    if not isinstance(comment_id, str) or created is None:
        return None
    parent = str(row.get("parent_id") or "")
    return InboxEntry(
        remote_id=comment_id, kind="reply" if parent else "comment",
        author_handle=username, author_name=username, text=str(row.get("text") or ""),
        url=permalink or "https://www.instagram.com/", created_at=created,
        parent_remote_id=parent or media_id, root_remote_id=media_id, raw=row,
    )
