"""LinkedIn: posts as a member or an organisation page, images, page comments, metrics."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from django.utils import timezone
from django.utils.translation import gettext as _

from platforms import oauth2
from platforms.base import (
    AccountMetrics,
    ConnectResult,
    ConnectStart,
    InboxEntry,
    InboxPage,
    Limits,
    MediaFile,
    MetricValue,
    PostMetrics,
    Provider,
    PublishRequest,
    RemotePost,
    SetupCheck,
    SetupHelp,
    Tokens,
)
from platforms.errors import AuthExpired, NotSupported, Rejected
from platforms.http import pick
from platforms.linkedin import connect, setup
from platforms.linkedin.client import (
    REST,
    TOKEN_URL,
    LinkedInClient,
    little_text,
    rest_headers,
    urn_path,
)

if TYPE_CHECKING:
    from accounts.models import ConnectedAccount


class LinkedInProvider(Provider):
    key = "linkedin"
    name = "LinkedIn"
    connect_kind: ClassVar[str] = "oauth"
    supports_find_published: ClassVar[bool] = True
    supports_first_comment: ClassVar[bool] = True

    def __init__(self) -> None:
        self.client = LinkedInClient()

    # --- connecting ---------------------------------------------------------------------
    def connect_start(self, *, redirect_uri: str, form_data: dict | None = None,
                      organization=None) -> ConnectStart:
        client_id, _secret = setup.credentials(organization)
        if not client_id:
            raise Rejected(_("No LinkedIn app is configured yet. Enter its client ID and "
                             "secret in the platform settings first."))
        state = oauth2.new_state()
        return ConnectStart(redirect_url=connect.authorize_url(
            client_id=client_id, redirect_uri=redirect_uri, state=state), state={"state": state})

    def connect_complete(self, *, redirect_uri: str, state: dict, params: dict,
                         organization=None) -> ConnectResult:
        code = connect.check_callback(state=state, params=params)
        client_id, secret = setup.credentials(organization)
        tokens = connect.exchange_code(self.client, code=code, redirect_uri=redirect_uri,
                                       client_id=client_id, client_secret=secret)
        member = connect.member_choice(self.client, tokens)
        choices = [member, *connect.page_choices(self.client, tokens,
                                                 member.settings["member_urn"])]
        return ConnectResult(account=member.account, tokens=member.tokens,
                             settings=member.settings, choices=choices, label=member.label)

    def refresh(self, account: ConnectedAccount) -> Tokens | None:
        """Only apps in LinkedIn's partner programme get refresh tokens; others reconnect."""
        refresh_token = account.get_refresh_token() if account.has_refresh_token else ""
        if not refresh_token:
            return None
        client_id, secret = setup.credentials(account.organization)
        answer = self.client.json("POST", TOKEN_URL, data={
            "grant_type": "refresh_token", "refresh_token": refresh_token,
            "client_id": client_id, "client_secret": secret})
        return connect.tokens_from(answer)

    def setup_help(self, *, redirect_uri: str) -> SetupHelp | None:
        return setup.setup_help(redirect_uri=redirect_uri)

    def check_setup(self, *, redirect_uri: str, organization=None) -> list[SetupCheck]:
        return setup.check_setup(redirect_uri=redirect_uri, organization=organization)

    # --- calling ------------------------------------------------------------------------
    def _token(self, account: ConnectedAccount) -> str:
        token = account.get_access_token()
        if not token:
            raise AuthExpired(_("This account has no access token; please reconnect it."))
        return token

    def _rest(self, account: ConnectedAccount, method: str, path: str, **kwargs):
        return self.client.request(method, f"{REST}/{path}", token=self._token(account),
                                   headers=rest_headers(), **kwargs)

    def _rest_json(self, account: ConnectedAccount, method: str, path: str, **kwargs):
        return self.client.json(method, f"{REST}/{path}", token=self._token(account),
                                headers=rest_headers(), **kwargs)

    @staticmethod
    def author(account: ConnectedAccount) -> str:
        return str(account.settings.get("author_urn") or account.external_id)

    @staticmethod
    def is_page(account: ConnectedAccount) -> bool:
        return LinkedInProvider.author(account).startswith("urn:li:organization:")

    # --- writing ------------------------------------------------------------------------
    def limits(self, account: ConnectedAccount) -> Limits:
        return Limits(max_chars=3000, counting="chars", max_media=20,
                      max_image_bytes=5 * 1024 * 1024,
                      media_types=("image/jpeg", "image/png", "image/gif"), alt_text_max=4086)

    def publish(self, account: ConnectedAccount, request: PublishRequest) -> RemotePost:
        body = self._post_body(account, request)
        body["content"] = self._content(account, request.media)
        if not body["content"]:
            del body["content"]
        response = self._rest(account, "POST", "posts", json=body)
        urn = response.headers.get("x-restli-id") or response.headers.get("x-linkedin-id") or ""
        if not urn:
            raise Rejected(_("LinkedIn accepted the post but did not say its id."))
        return RemotePost(id=urn, url=post_url(urn), published_at=timezone.now())

    def _post_body(self, account: ConnectedAccount, request: PublishRequest) -> dict:
        return {
            "author": self.author(account), "commentary": little_text(request.text),
            "visibility": "PUBLIC",
            "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                             "thirdPartyDistributionChannels": []},
            "lifecycleState": "PUBLISHED", "isReshareDisabledByAuthor": False,
        }

    def _content(self, account: ConnectedAccount, media: list[MediaFile]) -> dict:
        images = [{"id": self._upload_image(account, m), "altText": m.alt_text} for m in media]
        if len(images) == 1:
            return {"media": images[0]}
        if images:
            return {"multiImage": {"images": images}}
        return {}

    def _upload_image(self, account: ConnectedAccount, media: MediaFile) -> str:
        if not media.content_type.startswith("image/"):
            raise Rejected(_("Only images can be attached to LinkedIn posts here."))
        answer = self._rest_json(account, "POST", "images",
                                 params={"action": "initializeUpload"},
                                 json={"initializeUploadRequest": {"owner": self.author(account)}})
        upload_url = pick(answer, "value.uploadUrl", str, what="LinkedIn image upload")
        image_urn = pick(answer, "value.image", str, what="LinkedIn image upload")
        if media.open is None:
            raise Rejected(_("The image %(name)s could not be read.") % {"name": media.filename})
        with media.open() as handle:
            self.client.request("PUT", upload_url, token=self._token(account), data=handle.read(),
                                headers={"Content-Type": media.content_type})
        return image_urn

    def find_published(self, account: ConnectedAccount,
                       request: PublishRequest) -> RemotePost | None:
        """Recent posts by the author whose commentary is what we sent."""
        wanted = little_text(request.text)
        for row in self._recent_posts(account):
            if row.get("commentary") == wanted:
                urn = pick(row, "id", str, what="LinkedIn post")
                published = row.get("publishedAt")
                return RemotePost(id=urn, url=post_url(urn), published_at=_from_ms(published))
        return None

    def _recent_posts(self, account: ConnectedAccount, count: int = 20) -> list[dict]:
        data = self._rest_json(account, "GET", "posts", params={
            "q": "author", "author": self.author(account), "count": count,
            "sortBy": "LAST_MODIFIED"})
        return [r for r in pick(data, "elements", list, what="LinkedIn posts")
                if isinstance(r, dict)]

    def delete(self, account: ConnectedAccount, remote_id: str) -> None:
        """`DELETE /rest/posts/{urn}` answers 204 and is idempotent; 404 means gone already."""
        try:
            self._rest(account, "DELETE", f"posts/{urn_path(remote_id)}")
        except Rejected as exc:
            if exc.status != 404:
                raise

    # --- conversations ------------------------------------------------------------------
    def fetch_inbox(self, account: ConnectedAccount, cursor: str = "") -> InboxPage:
        """Comments on the page's recent posts, newer than `cursor` (epoch milliseconds).

        Member profiles have no inbox: reading a member's comments needs r_member_social,
        which LinkedIn grants to select partners only.
        """
        if not self.is_page(account):
            raise NotSupported("LinkedIn does not let apps read a member's comments")
        since = int(cursor) if cursor.isdigit() else 0
        own = self.author(account)
        entries = []
        for post in self._recent_posts(account, count=10):
            urn = pick(post, "id", str, what="LinkedIn post")
            data = self._rest_json(account, "GET", f"socialActions/{urn_path(urn)}/comments",
                                   params={"count": 50})
            for row in pick(data, "elements", list, what="LinkedIn comments"):
                entry = comment_entry(row, post_urn=urn, own=own)
                if entry and int(entry.created_at.timestamp() * 1000) > since:
                    entries.append(entry)
        entries.sort(key=lambda e: e.created_at)
        newest = str(int(entries[-1].created_at.timestamp() * 1000)) if entries else cursor
        return InboxPage(items=entries, cursor=newest or "")

    def reply(self, account: ConnectedAccount, entry_remote_id: str, text: str,
              *, idempotency_key: str = "") -> RemotePost:
        """A nested comment under a comment (or a top-level comment under a post)."""
        body = {"actor": self.author(account), "message": {"text": text}}
        if entry_remote_id.startswith("urn:li:comment:("):
            body["object"] = comment_object(entry_remote_id)
            body["parentComment"] = entry_remote_id
        else:
            body["object"] = entry_remote_id
        answer = self._rest_json(account, "POST",
                                 f"socialActions/{urn_path(entry_remote_id)}/comments", json=body)
        urn = pick(answer, "commentUrn", str, what="LinkedIn comment", default="") or \
            pick(answer, "$URN", str, what="LinkedIn comment")
        return RemotePost(id=urn, url=post_url(body["object"]), published_at=timezone.now())

    def comment(self, account: ConnectedAccount, request: PublishRequest) -> RemotePost:
        """The first comment: `POST /rest/socialActions/{post urn}/comments` with the author
        as `actor`, the post as `object` and `message.text`."""
        body = {"actor": self.author(account), "object": request.reply_to,
                "message": {"text": request.text}}
        answer = self._rest_json(account, "POST",
                                 f"socialActions/{urn_path(request.reply_to)}/comments",
                                 json=body)
        urn = pick(answer, "commentUrn", str, what="LinkedIn comment", default="") or \
            pick(answer, "$URN", str, what="LinkedIn comment")
        return RemotePost(id=urn, url=post_url(request.reply_to), published_at=timezone.now())

    def find_comment(self, account: ConnectedAccount,
                     request: PublishRequest) -> RemotePost | None:
        """Our comment under the post, if it went out. Reading a member's comments needs
        r_member_social, which LinkedIn grants to select partners only: not checkable there."""
        if not self.is_page(account):
            raise NotSupported("LinkedIn does not let apps read a member's comments")
        own = self.author(account)
        data = self._rest_json(account, "GET",
                               f"socialActions/{urn_path(request.reply_to)}/comments",
                               params={"count": 50})
        for row in pick(data, "elements", list, what="LinkedIn comments"):
            message = row.get("message") if isinstance(row, dict) else None
            if isinstance(message, dict) and row.get("actor") == own \
                    and message.get("text") == request.text:
                urn = row.get("commentUrn") or row.get("$URN")
                if isinstance(urn, str):
                    return RemotePost(id=urn, url=post_url(request.reply_to),
                                      published_at=_from_ms((row.get("created") or {})
                                                            .get("time")))
        return None

    # --- analytics ----------------------------------------------------------------------
    def fetch_account_metrics(self, account: ConnectedAccount) -> AccountMetrics:
        if not self.is_page(account):
            raise NotSupported("LinkedIn gives apps no follower counts for members")
        urn = self.author(account)
        size = self._rest_json(account, "GET", f"networkSizes/{urn_path(urn)}",
                               params={"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"})
        values = {}
        followers = pick(size, "firstDegreeSize", int, what="LinkedIn followers", default=None)
        if followers is not None:
            values["followers"] = MetricValue(followers, "firstDegreeSize")
        return AccountMetrics(fetched_at=timezone.now(), values=values)

    def fetch_post_metrics(self, account: ConnectedAccount,
                           remote_ids: list[str]) -> list[PostMetrics]:
        if not self.is_page(account):
            raise NotSupported("LinkedIn gives apps no statistics for member posts")
        return [self._post_statistics(account, urn) for urn in remote_ids]

    def _post_statistics(self, account: ConnectedAccount, urn: str) -> PostMetrics:
        kind = "ugcPosts" if urn.startswith("urn:li:ugcPost:") else "shares"
        # Rest.li list syntax: the parentheses stay literal, the URN inside is encoded.
        query = (f"q=organizationalEntity&organizationalEntity={urn_path(self.author(account))}"
                 f"&{kind}=List({urn_path(urn)})")
        data = self._rest_json(account, "GET", f"organizationalEntityShareStatistics?{query}")
        values = {}
        rows = pick(data, "elements", list, what="LinkedIn statistics")
        stats = rows[0].get("totalShareStatistics") if rows and isinstance(rows[0], dict) else {}
        for key, field in (("impressions", "impressionCount"), ("likes", "likeCount"),
                           ("replies", "commentCount"), ("reposts", "shareCount"),
                           ("clicks", "clickCount")):
            value = stats.get(field) if isinstance(stats, dict) else None
            if isinstance(value, int) and not isinstance(value, bool):
                values[key] = MetricValue(value, f"totalShareStatistics.{field}")
        return PostMetrics(remote_id=urn, fetched_at=timezone.now(), values=values)


def post_url(urn: str) -> str:
    return f"https://www.linkedin.com/feed/update/{urn}/"


def comment_object(comment_urn: str) -> str:
    """`urn:li:comment:(urn:li:activity:1,2)` → `urn:li:activity:1`."""
    inner = comment_urn.removeprefix("urn:li:comment:(").removesuffix(")")
    return inner.rsplit(",", 1)[0]


def _from_ms(value) -> dt.datetime | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(value / 1000, tz=dt.UTC)
    return None


def comment_entry(row: dict, *, post_urn: str, own: str) -> InboxEntry | None:
    if not isinstance(row, dict) or row.get("actor") == own:
        return None
    urn = row.get("commentUrn") or row.get("$URN")
    created = _from_ms((row.get("created") or {}).get("time"))
    if not isinstance(urn, str) or created is None:
        return None
    parent = row.get("parentComment")
    message = row.get("message") if isinstance(row.get("message"), dict) else {}
    actor = str(row.get("actor") or "")
    return InboxEntry(
        remote_id=urn, kind="reply" if parent else "comment", author_handle=actor,
        author_name=actor, text=str(message.get("text") or ""), url=post_url(post_urn),
        created_at=created, parent_remote_id=str(parent or post_urn), root_remote_id=post_urn,
        raw=row)
