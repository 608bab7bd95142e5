"""What a post to an account may hold (`Limits`), the media handed to a provider and the
problems found before a post is saved: value types shared by the contract and the checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Limits:
    """What a post to this account may hold, and how its text is counted."""

    max_chars: int
    counting: str  # "chars" | "graphemes" | "weighted" (X) | "bytes_emoji" (Threads)
    url_length: int | None = None  # a URL counts as this many characters (None: as written)
    max_bytes: int | None = None  # Bluesky also caps UTF-8 bytes
    max_media: int = 4
    max_image_bytes: int | None = None
    max_video_bytes: int | None = None
    media_types: tuple[str, ...] = ("image/jpeg", "image/png", "image/gif", "image/webp")
    alt_text_max: int | None = 1500
    alt_text_required: bool = False
    video_allowed: bool = False
    mixed_media_allowed: bool = False
    links_allowed: bool = True


@dataclass(frozen=True)
class MediaFile:
    """One image or video to attach, as the provider needs it."""

    filename: str
    content_type: str
    size: int
    alt_text: str
    width: int | None = None
    height: int | None = None
    open: Any = None  # callable returning a binary file object (read lazily, once per upload)
    # An absolute URL the platform itself can fetch (Instagram and Facebook pull media by URL
    # instead of accepting uploads). Empty when this installation cannot offer one.
    public_url: str = ""


@dataclass(frozen=True)
class Problem:
    """One reason a post cannot go to an account as it stands. `message` is translated."""

    code: str  # "too_long", "too_many_media", "media_too_large", "media_type", "alt_missing" …
    message: str
    field: str = "text"  # "text" | "media" | "link"
