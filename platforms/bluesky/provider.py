"""The Bluesky provider: app-password sessions against the account's own PDS.

Connect resolves handle → DID → DID document → PDS (identity.py) and logs in there
once — or, when the admin names their own PDS in the form, resolves and logs in through
that server, which is then kept for the account (`chosen_pds_url`); publishing writes
app.bsky.feed.post records with byte-offset facets, image and link-card embeds and reply
refs (posting.py); inbox and metrics are app.bsky.* reads that the PDS proxies to the
AppView (reading.py).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from platforms.base import (
    AccountMetrics,
    ConnectResult,
    ConnectStart,
    InboxPage,
    Limits,
    PostMetrics,
    Provider,
    PublishRequest,
    RemoteAccount,
    RemotePost,
    Tokens,
)
from platforms.bluesky import posting, reading, records, session
from platforms.bluesky.identity import normalise_pds_url, resolve_identity
from platforms.bluesky.xrpc import XrpcClient
from platforms.errors import NotSupported, Rejected

LIMITS = Limits(
    max_chars=300, counting="graphemes", max_bytes=3000, max_media=4,
    # embed.images allows 2,000,000 bytes in current lexicons, older servers 1,000,000:
    # the smaller cap works on every PDS and AppView.
    max_image_bytes=1_000_000,
    media_types=("image/jpeg", "image/png", "image/gif", "image/webp"),
    alt_text_max=2000, alt_text_required=False, video_allowed=False,
)


class BlueskyProvider(Provider):
    key = "bluesky"
    name = "Bluesky"
    connect_kind = "credentials"
    supports_idempotency_key = True  # the rkey is derived from the key (records.tid_for_key)
    supports_find_published = True
    supports_threads = True
    supports_first_comment = True  # a self-reply

    def __init__(self) -> None:
        self.client = XrpcClient()

    # --- connecting ---------------------------------------------------------------------
    def connect_start(self, *, redirect_uri: str, form_data: dict | None = None,
                      organization=None) -> ConnectStart:
        raise NotSupported("Bluesky connects with a handle and app password (connect_complete)")

    def connect_complete(self, *, redirect_uri: str, state: dict, params: dict,
                         organization=None) -> ConnectResult:
        identifier = (params.get("identifier") or "").strip()
        password = (params.get("password") or "").strip()
        if not identifier or not password:
            raise Rejected(_("Enter the handle and an app password."))
        chosen = normalise_pds_url(params["pds_url"]) if params.get("pds_url") else ""
        identity = resolve_identity(identifier, via=chosen)
        data = session.create_session(self.client, identity.pds_url, identity.did, password)
        if data.get("did") != identity.did:
            raise Rejected(_("The server signed in a different account than %(handle)s.")
                           % {"handle": identity.handle})
        tokens = session.tokens_from_session(data)
        profile = reading.profile_for_connect(self.client, identity, tokens.access_token)
        return ConnectResult(
            account=RemoteAccount(external_id=identity.did, handle=identity.handle,
                                  display_name=profile.get("displayName") or "",
                                  avatar_url=profile.get("avatar") or ""),
            tokens=tokens,
            settings={"did": identity.did, "chosen_pds_url": chosen,
                      "pds_url": chosen or tokens.extra.get("pds_url") or identity.pds_url},
        )

    def no_web_view(self, account) -> str:
        if records.web_url("x", "x"):  # BLUESKY_WEB_URL names a web app
            return ""
        return _("The Bluesky network in use has no web app, so there is no page to link to.")

    def refresh(self, account) -> Tokens | None:
        return session.refresh_session(self.client, account)

    # --- writing ------------------------------------------------------------------------
    def limits(self, account) -> Limits:
        return LIMITS

    def publish(self, account, request: PublishRequest) -> RemotePost:
        return posting.publish(self.client, account, request, LIMITS)

    def find_published(self, account, request: PublishRequest) -> RemotePost | None:
        if not request.idempotency_key:
            raise NotSupported("a post without an idempotency key cannot be found again")
        return posting.find_published(self.client, account, request)

    def delete(self, account, remote_id: str) -> None:
        posting.delete(self.client, account, remote_id)

    # --- conversations ------------------------------------------------------------------
    def fetch_inbox(self, account, cursor: str = "") -> InboxPage:
        return reading.fetch_inbox(self.client, account, cursor)

    def reply(self, account, entry_remote_id: str, text: str, *,
              idempotency_key: str = "") -> RemotePost:
        return self.publish(account, PublishRequest(text=text, reply_to=entry_remote_id,
                                                    idempotency_key=idempotency_key))

    def search(self, account, query: str, cursor: str = "") -> InboxPage:
        """Listening through app.bsky.feed.searchPosts (see search.py)."""
        from platforms.bluesky.search import NSID, search_posts

        # reading.read: the account's session plus the AppView proxy header, like other reads
        return search_posts(lambda params: reading.read(self.client, account, NSID, params),
                            query, cursor)

    # --- analytics ----------------------------------------------------------------------
    def fetch_account_metrics(self, account) -> AccountMetrics:
        return reading.account_metrics(self.client, account)

    def fetch_post_metrics(self, account, remote_ids: list[str]) -> list[PostMetrics]:
        return reading.post_metrics(self.client, account, remote_ids)
