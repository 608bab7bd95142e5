"""The Mastodon-API family: what differs between Mastodon, GoToSocial, Akkoma/Pleroma and Takahē.

They all speak the Mastodon client API, so one provider talks to all of them. The few
behaviours that differ are class attributes of a server "flavour", detected once from the
instance document and remembered on the account (`settings["software"]`).
"""

from __future__ import annotations

from typing import ClassVar


class MastodonServer:
    """Mastodon itself; the parent of the family. Subclasses override only what differs."""

    software: ClassVar[str] = "mastodon"
    label: ClassVar[str] = "Mastodon"
    # The server keeps `Idempotency-Key` for an hour and answers a repeat with the original.
    honours_idempotency_key: ClassVar[bool] = True
    # Defaults for servers whose instance document lacks `configuration` (v1-only, old).
    default_max_chars: ClassVar[int] = 500
    default_max_media: ClassVar[int] = 4
    default_url_length: ClassVar[int] = 23
    default_image_bytes: ClassVar[int] = 16 * 1024 * 1024
    default_video_bytes: ClassVar[int] = 99 * 1024 * 1024
    default_media_types: ClassVar[tuple[str, ...]] = (
        "image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4",
    )
    alt_text_max: ClassVar[int] = 1500
    # Mastodon's own URL counting (every URL = characters_reserved_per_url) and mention rule.
    counting: ClassVar[str] = "mastodon"

    @classmethod
    def matches(cls, instance: dict) -> bool:
        return True


class GoToSocialServer(MastodonServer):
    software = "gotosocial"
    label = "GoToSocial"
    # Feature request #2723 was closed without a documented guarantee: check before retrying.
    honours_idempotency_key = False
    default_max_chars = 5000
    default_max_media = 6
    default_url_length = 25

    @classmethod
    def matches(cls, instance: dict) -> bool:
        return "gotosocial" in str(instance.get("source_url", "")).lower()


class AkkomaServer(MastodonServer):
    software = "akkoma"
    label = "Akkoma / Pleroma"
    # The header passes CORS, but server-side deduplication is undocumented.
    honours_idempotency_key = False
    default_max_chars = 5000

    @classmethod
    def matches(cls, instance: dict) -> bool:
        version = str(instance.get("version", "")).lower()
        return "akkoma" in version or "pleroma" in version


class TakaheServer(MastodonServer):
    software = "takahe"
    label = "Takahē"
    honours_idempotency_key = False  # PR #618 only let the header through CORS
    counting = "codepoints"  # post_length is checked with a plain len()

    @classmethod
    def matches(cls, instance: dict) -> bool:
        return "takahe" in str(instance.get("version", "")).lower() or "takahe" in str(
            instance.get("source_url", "")
        ).lower()


# Most specific first; Mastodon matches everything else that speaks the API.
FAMILY: tuple[type[MastodonServer], ...] = (
    GoToSocialServer, AkkomaServer, TakaheServer, MastodonServer,
)
BY_SOFTWARE = {server.software: server for server in FAMILY}


def detect_server(instance: dict) -> type[MastodonServer]:
    return next(server for server in FAMILY if server.matches(instance))


def server_for(software: str) -> type[MastodonServer]:
    return BY_SOFTWARE.get(software or "mastodon", MastodonServer)
