"""Writing records: posts (facets, images, link cards, replies), finding and deleting them."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from platforms.base import Limits, MediaFile, PublishRequest, RemotePost
from platforms.bluesky import linkcard
from platforms.bluesky.identity import pds_endpoint, resolve_did, resolve_handle
from platforms.bluesky.records import (
    POST,
    AtUri,
    external_embed,
    images_embed,
    post_record,
    strong_ref,
    tid_for_key,
    tid_now,
    web_url,
)
from platforms.bluesky.richtext import detect_facets
from platforms.bluesky.session import authed_call, pds_url, repo_did
from platforms.bluesky.xrpc import XrpcClient, error_name
from platforms.errors import RateLimited, Rejected, Transient
from platforms.http import pick
from platforms.validation import validate_against_limits

if TYPE_CHECKING:
    from accounts.models import ConnectedAccount


def _now_iso() -> tuple[dt.datetime, str]:
    now = dt.datetime.now(dt.UTC)
    return now, now.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def publish(client: XrpcClient, account: ConnectedAccount, request: PublishRequest,
            limits: Limits) -> RemotePost:
    problems = validate_against_limits(limits, request.text, request.media, platform="Bluesky")
    if problems:
        raise Rejected(" ".join(p.message for p in problems))
    did = repo_did(account)
    rkey = tid_for_key(request.idempotency_key) if request.idempotency_key else tid_now()
    reply = reply_refs(client, account, request.reply_to) if request.reply_to else None
    embed = None
    if request.media:
        embed = _images(client, account, request.media)
    elif request.link:
        embed = _link_card(client, account, request.link)
    published_at, created_at = _now_iso()
    record = post_record(
        text=request.text, created_at=created_at, reply=reply, embed=embed,
        facets=detect_facets(request.text, resolve_handle=cache(resolve_handle)),
        langs=list(account.settings.get("langs") or [account.organization.language]),
    )
    try:
        data = authed_call(client, account, "com.atproto.repo.createRecord", method="POST",
                           json={"repo": did, "collection": POST, "rkey": rkey,
                                 "record": record})
    except (Rejected, Transient) as exc:
        # The rkey is taken (the reference PDS answers 500 for that): an earlier attempt
        # whose answer was lost already posted. A timeout may also have posted.
        if isinstance(exc, RateLimited) or not request.idempotency_key:
            raise
        existing = get_record(client, pds_url(account), AtUri(did, POST, rkey))
        if existing:
            return _remote_post(account, existing["uri"], published_at=None)
        raise
    uri = pick(data, "uri", str, what="Bluesky createRecord answer")
    pick(data, "cid", str, what="Bluesky createRecord answer")
    return _remote_post(account, uri, published_at=published_at)


def _remote_post(account: ConnectedAccount, uri: str, *,
                 published_at: dt.datetime | None) -> RemotePost:
    parsed = AtUri.parse(uri)
    return RemotePost(id=uri, url=web_url(account.handle or parsed.did, parsed.rkey),
                      published_at=published_at)


def get_record(client: XrpcClient, pds_url: str, uri: AtUri) -> dict | None:
    """A record from its repository (public read); None when it does not exist."""
    response = client.request(
        "GET", f"{pds_url}/xrpc/com.atproto.repo.getRecord", ok=(400, 404),
        params={"repo": uri.did, "collection": uri.collection, "rkey": uri.rkey})
    try:
        body = response.json()
    except ValueError:
        raise Transient("Bluesky: getRecord did not answer JSON") from None
    if response.status_code != 200:
        if error_name(body) == "RecordNotFound" or response.status_code == 404:
            return None
        client.raise_for(response)
    if not isinstance(body, dict) or not isinstance(body.get("cid"), str):
        raise Transient("Bluesky: unexpected getRecord answer (no cid)")
    return body


def _repo_pds(account: ConnectedAccount, did: str) -> str:
    if did == repo_did(account):
        return pds_url(account)
    return pds_endpoint(resolve_did(did))


def reply_refs(client: XrpcClient, account: ConnectedAccount, parent: str) -> dict:
    """`reply.root` and `reply.parent` strong refs; the root comes from the parent's record."""
    uri = AtUri.parse(parent)
    record = get_record(client, _repo_pds(account, uri.did), uri)
    if record is None:
        raise Rejected(_("The post being answered no longer exists."))
    parent_ref = strong_ref(record.get("uri") or parent, record["cid"])
    root = ((record.get("value") or {}).get("reply") or {}).get("root")
    if not (isinstance(root, dict) and isinstance(root.get("uri"), str)
            and isinstance(root.get("cid"), str)):
        root = parent_ref
    return {"root": strong_ref(root["uri"], root["cid"]), "parent": parent_ref}


def _upload_blob(client: XrpcClient, account: ConnectedAccount, data: bytes,
                 content_type: str) -> dict:
    answer = authed_call(client, account, "com.atproto.repo.uploadBlob", method="POST",
                         data=data, headers={"Content-Type": content_type})
    return pick(answer, "blob", dict, what="Bluesky uploadBlob answer")


def _images(client: XrpcClient, account: ConnectedAccount, media: list[MediaFile]) -> dict:
    images = []
    for item in media:
        if item.open is None:
            raise Rejected(_("%(name)s could not be read.") % {"name": item.filename})
        stream = item.open()
        try:
            data = stream.read()
        finally:
            getattr(stream, "close", lambda: None)()
        blob = _upload_blob(client, account, data, item.content_type)
        size = (item.width, item.height) if item.width and item.height else None
        images.append((blob, item.alt_text, size))
    return images_embed(images)


def _link_card(client: XrpcClient, account: ConnectedAccount, url: str) -> dict:
    card = linkcard.read_card(url)
    thumb = None
    if card.image_url:
        image = linkcard.thumbnail(card.image_url)
        if image:
            try:
                thumb = _upload_blob(client, account, image[0], image[1])
            except Rejected:
                thumb = None  # the card still works without a picture
    return external_embed(card.uri, card.title, card.description, thumb)


def find_published(client: XrpcClient, account: ConnectedAccount,
                   request: PublishRequest) -> RemotePost | None:
    uri = AtUri(repo_did(account), POST, tid_for_key(request.idempotency_key))
    record = get_record(client, pds_url(account), uri)
    return _remote_post(account, record["uri"], published_at=None) if record else None


def delete(client: XrpcClient, account: ConnectedAccount, remote_id: str) -> None:
    uri = AtUri.parse(remote_id)
    if uri.did != repo_did(account):
        raise Rejected(_("Only this account's own posts can be deleted."))
    authed_call(client, account, "com.atproto.repo.deleteRecord", method="POST",
                json={"repo": uri.did, "collection": uri.collection, "rkey": uri.rkey})
