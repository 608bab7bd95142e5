"""Record keys, AT URIs and the pieces of an app.bsky.feed.post record.

Idempotency: app.bsky.feed.post keys must be TIDs, so a retried publish reuses a
TID derived from the idempotency key (a SHA-256 of it placed in a fixed, past
timestamp window). The same key gives the same rkey, and the PDS refuses to create a
second record under an existing rkey: a retry can never make a second post.
"""

from __future__ import annotations

import hashlib
import random
import time
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.utils.translation import gettext as _

from platforms.errors import Rejected

POST = "app.bsky.feed.post"
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
# Deterministic TIDs carry a timestamp in [2024-01-01, +2^45 µs ≈ 407 days]: always valid
# and in the past, never colliding with the clock-based TIDs clients mint now.
DETERMINISTIC_EPOCH_US = 1_704_067_200_000_000
DETERMINISTIC_SPAN_BITS = 45


def _tid(timestamp_us: int, clock_id: int) -> str:
    value = ((timestamp_us & ((1 << 53) - 1)) << 10) | (clock_id & 0x3FF)
    chars = []
    for _i in range(13):
        chars.append(TID_ALPHABET[value & 0x1F])
        value >>= 5
    return "".join(reversed(chars))


def tid_now() -> str:
    return _tid(time.time_ns() // 1000, random.getrandbits(10))


def tid_for_key(idempotency_key: str) -> str:
    digest = int.from_bytes(hashlib.sha256(idempotency_key.encode("utf-8")).digest()[:8], "big")
    offset = digest >> (64 - DETERMINISTIC_SPAN_BITS)
    return _tid(DETERMINISTIC_EPOCH_US + offset, digest & 0x3FF)


@dataclass(frozen=True)
class AtUri:
    did: str
    collection: str
    rkey: str

    @classmethod
    def parse(cls, value: str) -> AtUri:
        parts = value.removeprefix("at://").split("/") if value.startswith("at://") else []
        if len(parts) != 3 or not parts[0].startswith("did:") or not all(parts):
            raise Rejected(_("“%(id)s” is not a Bluesky post address.") % {"id": value})
        return cls(*parts)

    def __str__(self) -> str:
        return f"at://{self.did}/{self.collection}/{self.rkey}"


def web_url(handle_or_did: str, rkey: str) -> str:
    """The post's page on the web app of the network in use (`BLUESKY_WEB_URL`, bsky.app
    by default); "" when the installation names none (a network without a web app)."""
    base = (getattr(settings, "BLUESKY_WEB_URL", "") or "").rstrip("/")
    if not base or not handle_or_did or not rkey:
        return ""
    return f"{base}/profile/{quote(handle_or_did, safe=':.')}/post/{quote(rkey, safe='')}"


def strong_ref(uri: str, cid: str) -> dict:
    return {"uri": uri, "cid": cid}


def images_embed(images: list[tuple[dict, str, tuple[int, int] | None]]) -> dict:
    """`images`: (blob ref, alt text, (width, height) or None) per image."""
    items = []
    for blob, alt, size in images:
        item: dict = {"image": blob, "alt": alt or ""}
        if size and size[0] > 0 and size[1] > 0:
            item["aspectRatio"] = {"width": size[0], "height": size[1]}
        items.append(item)
    return {"$type": "app.bsky.embed.images", "images": items}


def external_embed(uri: str, title: str, description: str, thumb: dict | None) -> dict:
    external: dict = {"uri": uri, "title": title, "description": description}
    if thumb:
        external["thumb"] = thumb
    return {"$type": "app.bsky.embed.external", "external": external}


def post_record(*, text: str, created_at: str, facets: list[dict], langs: list[str],
                reply: dict | None = None, embed: dict | None = None) -> dict:
    record: dict = {"$type": POST, "text": text, "createdAt": created_at}
    if facets:
        record["facets"] = facets
    if langs:
        record["langs"] = langs[:3]
    if reply:
        record["reply"] = reply
    if embed:
        record["embed"] = embed
    return record
