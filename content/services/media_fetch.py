"""Media named by URL (CSV import): fetched through the SSRF guard into a temporary file,
checked like an upload, and only then added to the library.

Fetching and storing are separate steps so an import can fetch everything first and
store it inside its one transaction; `FetchedMedia.discard()` removes the temporary file.
Addresses of this installation's own media (what the export writes) are not fetched:
the organisation's asset is used as it is.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

import requests
from django.conf import settings
from django.core.files import File
from django.utils.translation import gettext as _

from content.models import MediaAsset, MediaKind
from content.services.media import (
    IMAGE_FORMATS,
    MediaRefused,
    _is_video,
    _open_image,
    max_image_bytes,
    max_video_bytes,
    media_upload,
)
from lib.netguard import UnsafeURL, copy_capped, guarded_stream

VIDEO_TYPES = ("video/mp4", "video/quicktime")
# Servers that do not know better send images as octet-stream; the content decides then.
NEUTRAL_TYPES = ("application/octet-stream", "binary/octet-stream", "")
MAX_URL_LENGTH = 2000
FETCH_SECONDS = 30  # one file, from the first byte to the last


class MediaFetchFailed(Exception):
    """A readable reason why the file at a URL cannot be used."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class FetchedMedia:
    url: str
    path: str  # temporary file, or "" for an asset we already have
    name: str = ""
    content_type: str = ""
    size: int = 0
    width: int | None = None
    height: int | None = None
    asset: MediaAsset | None = None  # already in the library (our own address)

    def discard(self) -> None:
        if self.path and os.path.exists(self.path):
            os.unlink(self.path)
        self.path = ""


def media_address(asset: MediaAsset, site: str = "") -> str:
    """The absolute address of an asset's file, as the export writes it. `site` is the
    address the person uses (the request's), else SITE_URL."""
    return urljoin(f"{(site or settings.SITE_URL).rstrip('/')}/", asset.file.url)


def own_asset(organization, url: str, site: str = "") -> MediaAsset | None:
    """The organisation's asset when `url` is one of this installation's media addresses
    (under SITE_URL, MEDIA_PUBLIC_URL or `site`, the address the person uses). Only the
    organisation's own assets are found: another organisation's address is fetched."""
    sites = {settings.SITE_URL, site} - {""}
    bases = {urljoin(f"{s.rstrip('/')}/", settings.MEDIA_URL) for s in sites}
    public = getattr(settings, "MEDIA_PUBLIC_URL", "")
    if public:
        bases.add(urljoin(f"{settings.SITE_URL}/", public))
    for base in bases:
        if url.startswith(base):
            name = unquote(urlsplit(url[len(base):]).path)
            return MediaAsset.objects.for_org(organization).filter(file=name).first()
    return None


def _content_type(response) -> str:
    return (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()


def media_fetch(organization, url: str, site: str = "") -> FetchedMedia:
    """Fetch `url` into a temporary file and check it; MediaFetchFailed says why not."""
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise MediaFetchFailed(_("The address is longer than %(n)d characters.")
                               % {"n": MAX_URL_LENGTH})
    asset = own_asset(organization, url, site)
    if asset is not None:
        return FetchedMedia(url=url, path="", asset=asset, content_type=asset.content_type,
                            size=asset.size, width=asset.width, height=asset.height,
                            name=asset.original_name)
    fd, path = tempfile.mkstemp(prefix="socialmgr-fetch-")
    fetched = FetchedMedia(url=url, path=path)
    try:
        with os.fdopen(fd, "wb") as out:
            _download(url, out, fetched)
        _check(fetched)
    except BaseException:
        fetched.discard()
        raise
    return fetched


def _download(url: str, out, fetched: FetchedMedia) -> None:
    try:
        with guarded_stream(url, headers={"Accept": "image/*, video/mp4"},
                            timeout=(5, 30)) as (final_url, response):
            if response.status_code != 200:
                raise MediaFetchFailed(_("The server answered HTTP %(status)d.")
                                       % {"status": response.status_code})
            declared = _content_type(response)
            if declared in VIDEO_TYPES:
                limit = max_video_bytes()
            elif declared in IMAGE_FORMATS.values() or declared in NEUTRAL_TYPES:
                limit = max_image_bytes()
            else:
                raise MediaFetchFailed(_("The address is not an image or video (%(type)s).")
                                       % {"type": declared[:60]})
            fetched.size = copy_capped(response, out, limit,
                                       deadline=time.monotonic() + FETCH_SECONDS)
            fetched.content_type = declared
            name = os.path.basename(urlsplit(final_url).path)[:120]
            fetched.name = unquote(name) or "media"
    except UnsafeURL as exc:
        raise MediaFetchFailed(str(exc)) from None
    except requests.RequestException as exc:
        raise MediaFetchFailed(_("The address could not be fetched (%(reason)s).")
                               % {"reason": type(exc).__name__}) from None


def _check(fetched: FetchedMedia) -> None:
    """The content decides what the file is, as for an upload."""
    if not fetched.size:
        raise MediaFetchFailed(_("The file is empty."))
    with open(fetched.path, "rb") as fh:
        head = fh.read(16)
        video = _is_video(head)
        if video:
            fetched.content_type = video
            return
        if fetched.size > max_image_bytes():
            raise MediaFetchFailed(_("The file is too large (limit %(mb)s MB).")
                                   % {"mb": max_image_bytes() // (1024 * 1024)})
        fh.seek(0)
        try:
            image = _open_image(fh.read())
        except MediaRefused as exc:
            raise MediaFetchFailed(exc.message) from None
    fetched.content_type = IMAGE_FORMATS[image.format]
    fetched.width, fetched.height = image.width, image.height


def media_store(*, organization, actor, fetched: FetchedMedia, alt_text: str) -> MediaAsset:
    """Add a fetched file to the library (inside the caller's transaction)."""
    if fetched.asset is not None:
        return fetched.asset
    with open(fetched.path, "rb") as fh:
        asset = media_upload(organization=organization, actor=actor,
                             upload=File(fh, name=fetched.name), alt_text=alt_text,
                             source=fetched.url[:300])
    return asset


def is_video(fetched: FetchedMedia) -> bool:
    return fetched.content_type in VIDEO_TYPES or (
        fetched.asset is not None and fetched.asset.kind == MediaKind.VIDEO)
