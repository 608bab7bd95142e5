"""X (Twitter API v2): OAuth 2 with PKCE and rotating refresh tokens, posts, media, mentions.

X has no idempotency key: a retry of the same text is refused with a duplicate-content 403
(mapped to Rejected), and `find_published` looks for the text among the user's recent posts.
"""

from __future__ import annotations

import base64
import datetime as dt
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _

from platforms.base import (
    AccountMetrics,
    ConnectResult,
    ConnectStart,
    InboxPage,
    Limits,
    MediaFile,
    PostMetrics,
    Problem,
    Provider,
    PublishRequest,
    RemotePost,
    Tokens,
)
from platforms.errors import AuthExpired, ProviderError, Rejected, Transient
from platforms.http import pick
from platforms.oauth2 import check_callback, new_state, pkce_pair
from platforms.validation import validate_against_limits
from platforms.x import entities, media
from platforms.x.client import API, AUTHORIZE_URL, TOKEN_URL, XClient
from platforms.x.setup import check_setup, setup_help

SCOPES = ("tweet.read", "tweet.write", "users.read", "offline.access", "media.write")
TWEET_FIELDS = "created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets"
LIMITS = Limits(
    max_chars=280, counting="weighted", url_length=23, max_media=4,
    max_image_bytes=5 * 1024 * 1024, max_video_bytes=512 * 1024 * 1024,
    media_types=("image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4",
                 "video/quicktime"),
    alt_text_max=media.ALT_TEXT_MAX, video_allowed=True, mixed_media_allowed=False,
)


class XProvider(Provider):
    key = "x"
    name = "X"
    connect_kind = "oauth"
    supports_idempotency_key = False
    supports_find_published = True
    supports_threads = True
    supports_first_comment = True  # a self-reply

    media_poll_interval = 1.0
    media_poll_attempts = 60

    def __init__(self) -> None:
        self.client = XClient()

    # --- app credentials ------------------------------------------------------------------
    @staticmethod
    def credentials(organization=None):
        from accounts.services.platform_apps import platform_credentials

        return platform_credentials("x", organization)

    def _basic_auth(self, organization) -> tuple[str, dict]:
        creds = self.credentials(organization)
        if creds is None or not creds.client_id:
            raise Rejected(_("X is not set up on this installation yet: an administrator "
                             "must enter the client ID and secret of an X developer app."))
        headers = {}
        if creds.client_secret:  # confidential client: HTTP Basic with id and secret
            pair = f"{creds.client_id}:{creds.client_secret}".encode()
            headers["Authorization"] = f"Basic {base64.b64encode(pair).decode()}"
        return creds.client_id, headers

    # --- connecting -----------------------------------------------------------------------
    def setup_help(self, *, redirect_uri: str):
        return setup_help(redirect_uri, SCOPES)

    def check_setup(self, *, redirect_uri: str, organization=None):
        return check_setup(self.credentials(organization), redirect_uri)

    def connect_start(self, *, redirect_uri: str, form_data: dict | None = None,
                      organization=None) -> ConnectStart:
        client_id, _headers = self._basic_auth(organization)
        state, (verifier, challenge) = new_state(), pkce_pair()
        query = urlencode({
            "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
            "scope": " ".join(SCOPES), "state": state, "code_challenge": challenge,
            "code_challenge_method": "S256",
        })
        return ConnectStart(redirect_url=f"{AUTHORIZE_URL}?{query}",
                            state={"state": state, "code_verifier": verifier})

    def connect_complete(self, *, redirect_uri: str, state: dict, params: dict,
                         organization=None) -> ConnectResult:
        code = check_callback(expected_state=str(state.get("state", "")), params=params,
                              platform="X")
        client_id, headers = self._basic_auth(organization)
        try:
            data = self.client.json("POST", TOKEN_URL, headers=headers, data={
                "grant_type": "authorization_code", "code": code, "client_id": client_id,
                "redirect_uri": redirect_uri, "code_verifier": state.get("code_verifier", ""),
            })
        except Transient:
            raise
        except ProviderError as exc:
            raise Rejected(_("X did not accept the sign-in (%(reason)s). Nothing was "
                             "connected; please try again.") % {"reason": exc.message}) from None
        tokens = _tokens(data)
        me = self.client.json("GET", f"{API}/2/users/me", token=tokens.access_token,
                              params={"user.fields": "profile_image_url"})
        account = entities.remote_account(me)
        return ConnectResult(account=account, tokens=tokens,
                             settings={"user_id": account.external_id,
                                       "username": account.handle.lstrip("@")})

    def refresh(self, account) -> Tokens | None:
        """Refresh tokens rotate: the answer carries a new one and the old one stops working."""
        if not account.has_refresh_token:
            return None
        client_id, headers = self._basic_auth(account.organization)
        try:
            data = self.client.json("POST", TOKEN_URL, headers=headers, data={
                "grant_type": "refresh_token", "refresh_token": account.get_refresh_token(),
                "client_id": client_id,
            })
        except Rejected as exc:  # 400 invalid_request/invalid_grant: the refresh token is dead
            raise AuthExpired(f"X: the refresh token was refused ({exc.message})",
                              status=exc.status) from None
        return _tokens(data)

    # --- writing --------------------------------------------------------------------------
    def limits(self, account) -> Limits:
        return LIMITS

    def validate(self, account, text: str, media_files: list[MediaFile]) -> list[Problem]:
        problems = validate_against_limits(LIMITS, text, media_files, platform=self.name)
        single = [m for m in media_files if media.category(m) != "tweet_image"]
        if single and len(media_files) > 1:
            problems.append(Problem("too_many_media", _(
                "X takes one GIF or one video alone, not together with other files."),
                field="media"))
        return problems

    def publish(self, account, request: PublishRequest) -> RemotePost:
        token = account.get_access_token()
        media_ids = [media.upload(self.client, token, item,
                                  poll_interval=self.media_poll_interval,
                                  poll_attempts=self.media_poll_attempts)
                     for item in request.media]
        return self._create(account, request.text, media_ids=media_ids,
                            reply_to=request.reply_to)

    def _create(self, account, text: str, *, media_ids=(), reply_to: str = "") -> RemotePost:
        body: dict = {"text": text}
        if media_ids:
            body["media"] = {"media_ids": list(media_ids)}
        if reply_to:
            body["reply"] = {"in_reply_to_tweet_id": reply_to}
        data = self.client.json("POST", f"{API}/2/tweets", token=account.get_access_token(),
                                json=body)
        return entities.remote_post(data, username=account.settings.get("username", ""))

    def find_published(self, account, request: PublishRequest) -> RemotePost | None:
        data = self.client.json(
            "GET", f"{API}/2/users/{self._user_id(account)}/tweets",
            token=account.get_access_token(),
            params={"max_results": 20, "tweet.fields": "created_at,referenced_tweets"})
        wanted = entities.comparable(request.text)
        for tweet in (data or {}).get("data") or []:
            if not isinstance(tweet, dict):
                continue
            same_parent = entities.replied_to(tweet) == (request.reply_to or "")
            if same_parent and entities.comparable(str(tweet.get("text", ""))) == wanted:
                return entities.remote_post({"data": tweet},
                                            username=account.settings.get("username", ""))
        return None

    def delete(self, account, remote_id: str) -> None:
        """`DELETE /2/tweets/:id` answers `{"data": {"deleted": true}}`; 404: gone already."""
        try:
            answer = self.client.json("DELETE", f"{API}/2/tweets/{remote_id}",
                                      token=account.get_access_token())
        except Rejected as exc:
            if exc.status != 404:
                raise
            return
        if pick(answer, "data.deleted", bool, what="X delete answer", default=True) is False:
            raise Rejected(_("X did not delete the post."))

    # --- conversations --------------------------------------------------------------------
    def fetch_inbox(self, account, cursor: str = "") -> InboxPage:
        """Mentions after `cursor`. The cursor is `since_id`, or `since_id|token|newest`
        while older pages of the same batch are still to be read (pagination_token)."""
        since_id, token, newest = ([*cursor.split("|"), "", ""])[:3] if cursor else ("", "", "")
        params = {"max_results": 100, "tweet.fields": TWEET_FIELDS, "expansions": "author_id",
                  "user.fields": "username,name,profile_image_url"}
        if since_id:
            params["since_id"] = since_id
        if token:
            params["pagination_token"] = token
        data = self.client.json("GET", f"{API}/2/users/{self._user_id(account)}/mentions",
                                token=account.get_access_token(), params=params)
        if not isinstance(data, dict):
            raise Transient("unexpected X mentions: not an object")
        users = {str(u.get("id")): u for u in (data.get("includes") or {}).get("users") or []
                 if isinstance(u, dict)}
        own = self._user_id(account)
        items = [entities.inbox_entry(t, users, own_id=own) for t in data.get("data") or []
                 if isinstance(t, dict)]
        meta = data.get("meta") or {}
        newest = _newer(newest, str(meta.get("newest_id") or ""))
        next_token = str(meta.get("next_token") or "")
        next_cursor = f"{since_id}|{next_token}|{newest}" if next_token else newest or since_id
        items.sort(key=lambda e: (e.created_at, int(e.remote_id) if e.remote_id.isdigit() else 0))
        return InboxPage(items=items, cursor=next_cursor)

    def reply(self, account, entry_remote_id: str, text: str, *,
              idempotency_key: str = "") -> RemotePost:
        return self._create(account, text, reply_to=entry_remote_id)

    # --- analytics ------------------------------------------------------------------------
    def fetch_account_metrics(self, account) -> AccountMetrics:
        data = self.client.json("GET", f"{API}/2/users/me", token=account.get_access_token(),
                                params={"user.fields": "public_metrics"})
        metrics = pick(data, "data.public_metrics", dict, what="X user")
        return AccountMetrics(fetched_at=timezone.now(),
                              values=entities.metric_values(metrics, entities.ACCOUNT_METRICS))

    def fetch_post_metrics(self, account, remote_ids: list[str]) -> list[PostMetrics]:
        now, results = timezone.now(), []
        for start in range(0, len(remote_ids), 100):
            batch = remote_ids[start:start + 100]
            data = self.client.json("GET", f"{API}/2/tweets", token=account.get_access_token(),
                                    params={"ids": ",".join(batch),
                                            "tweet.fields": "public_metrics"})
            # Deleted posts come back in `errors`, not `data`: they are left out.
            for tweet in (data or {}).get("data") or []:
                if isinstance(tweet, dict) and tweet.get("id"):
                    results.append(PostMetrics(
                        remote_id=str(tweet["id"]), fetched_at=now,
                        values=entities.metric_values(tweet.get("public_metrics"),
                                                      entities.POST_METRICS)))
        return results

    @staticmethod
    def _user_id(account) -> str:
        return str(account.settings.get("user_id") or account.external_id)


def _tokens(data) -> Tokens:
    access = pick(data, "access_token", str, what="X token response")
    expires_in = data.get("expires_in")
    expires_at = None
    if isinstance(expires_in, int) and not isinstance(expires_in, bool) and expires_in > 0:
        expires_at = timezone.now() + dt.timedelta(seconds=expires_in)
    return Tokens(access_token=access,
                  refresh_token=pick(data, "refresh_token", str, what="X token response",
                                     default=""),
                  expires_at=expires_at)


def _newer(a: str, b: str) -> str:
    if not a or not b:
        return a or b
    return a if (len(a), a) >= (len(b), b) else b
