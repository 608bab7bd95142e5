"""Finding out what a Mastodon-API server is and what it allows.

`normalise_instance_url` turns what a person typed into `https://host[:port]`, refusing
anything that is not a public address or a server the installation allows (SSRF guard,
`SSRF_ALLOW_HOSTS`). `fetch_instance` reads
`/api/v2/instance` (falling back to `/api/v1/instance`) and refuses servers that do not
speak the API. `limits_from_instance` turns the instance configuration into `Limits`.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from lib.netguard import UnsafeURL, host_named_allowed, safe_public_url
from lib.weburl import origin_url
from platforms.base import Limits
from platforms.errors import ProviderError, Rejected, Transient
from platforms.mastodon.client import MastodonClient
from platforms.mastodon.servers import MastodonServer, detect_server


@dataclass(frozen=True)
class Instance:
    url: str  # https://host[:port], no trailing slash
    domain: str
    version: str
    server: type[MastodonServer]
    configuration: dict  # v2 `configuration` (or v1's, or {} for old v1-only servers)
    api_version: int  # 2 when /api/v2/instance answered


def normalise_instance_url(raw: str) -> str:
    """`https://host[:port]` for what a person typed ("mastodon.social", a profile URL …)."""
    text = (raw or "").strip()
    if text.startswith("@") and text.count("@") == 2:  # @user@host
        text = text.rsplit("@", 1)[1]
    if not text:
        raise Rejected(_("Enter the address of your Mastodon server, e.g. mastodon.social."))
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme not in ("http", "https") or not host or parts.username or parts.password:
        raise Rejected(_("“%(value)s” is not a server address.") % {"value": raw[:100]})
    # Plain http only where it was typed, to a server the installation names as its own
    # (SSRF_ALLOW_HOSTS, or loopback with the development switch); https everywhere else.
    scheme = "http" if (parts.scheme == "http" and host_named_allowed(host)) else "https"
    try:
        port = parts.port
    except ValueError:
        raise Rejected(_("“%(value)s” is not a server address.") % {"value": raw[:100]}) from None
    url = origin_url(scheme, host, port)
    try:
        safe_public_url(url)
    except UnsafeURL as exc:
        raise Rejected(str(exc)) from None
    return url


def fetch_instance(url: str, client: MastodonClient) -> Instance:
    """The server's description; Rejected (with a message for the form) when it is not one."""
    host = urlsplit(url).netloc
    unreachable = _("The server %(host)s could not be reached. Check the address and try "
                    "again later.") % {"host": host}
    not_mastodon = _("%(host)s does not look like a Mastodon-compatible server (it does not "
                     "answer the Mastodon API).") % {"host": host}
    for path, api_version in (("/api/v2/instance", 2), ("/api/v1/instance", 1)):
        try:
            data = client.json("GET", f"{url}{path}", allow_redirects=False)
        except Transient as exc:
            if exc.status and exc.status < 600 and exc.status not in (502, 503, 504):
                continue  # a 500 from a non-Mastodon app on this path: try the next one
            raise Rejected(unreachable) from None
        except ProviderError:
            continue  # 404, 410, 401 …: not this API version
        if _looks_like_instance(data):
            return _instance(url, data, api_version)
    raise Rejected(not_mastodon)


def _looks_like_instance(data) -> bool:
    if not isinstance(data, dict) or not isinstance(data.get("version"), str):
        return False
    return isinstance(data.get("domain") or data.get("uri"), str)


def _instance(url: str, data: dict, api_version: int) -> Instance:
    configuration = data.get("configuration")
    return Instance(
        url=url,
        domain=str(data.get("domain") or data.get("uri") or urlsplit(url).hostname),
        version=data["version"][:100],
        server=detect_server(data),
        configuration=configuration if isinstance(configuration, dict) else {},
        api_version=api_version,
    )


def _int(section: dict, key: str, default: int | None) -> int | None:
    value = section.get(key) if isinstance(section, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 \
        else default


def limits_from_configuration(configuration: dict, server: type[MastodonServer]) -> Limits:
    """Limits from a v2 (or v1) `configuration`, with the server family's defaults."""
    statuses = configuration.get("statuses") or {}
    media = configuration.get("media_attachments") or {}
    types = media.get("supported_mime_types")
    media_types = tuple(t for t in types if isinstance(t, str)) if isinstance(types, list) \
        else server.default_media_types
    url_length = _int(statuses, "characters_reserved_per_url", server.default_url_length)
    return Limits(
        max_chars=_int(statuses, "max_characters", server.default_max_chars),
        counting=server.counting,
        url_length=url_length if server.counting == "mastodon" else None,
        max_media=_int(statuses, "max_media_attachments", server.default_max_media),
        max_image_bytes=_int(media, "image_size_limit", server.default_image_bytes),
        max_video_bytes=_int(media, "video_size_limit", server.default_video_bytes),
        media_types=media_types,
        alt_text_max=_int(media, "description_limit", server.alt_text_max),
        video_allowed=any(t.startswith("video/") for t in media_types),
        # Mastodon refuses a video together with other attachments.
        mixed_media_allowed=False,
    )
