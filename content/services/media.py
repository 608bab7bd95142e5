"""Media library uploads: validated by content with Pillow, cleaned, stored, thumbnailed."""

from __future__ import annotations

import hashlib
import io
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from accounts.audit import audit_record
from accounts.services.errors import ServiceError
from content.models import MediaAsset, MediaKind, MediaRendition
from content.services.access import require

IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif",
                 "WEBP": "image/webp"}
GPS_IFD = 0x8825
THUMB_SIZE = 480
MAX_PIXELS = 40_000_000  # ~ 8000 × 5000; far above what any platform accepts


class MediaRefused(ServiceError):
    def __init__(self, message):
        super().__init__(message, code="media_invalid")


def max_image_bytes() -> int:
    return getattr(settings, "MEDIA_MAX_IMAGE_BYTES", 20 * 1024 * 1024)


def max_video_bytes() -> int:
    return getattr(settings, "MEDIA_MAX_VIDEO_BYTES", 512 * 1024 * 1024)


def _is_video(head: bytes) -> str:
    """MP4/QuickTime files start with a `ftyp` box (ISO base media file format)."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "video/quicktime" if head[8:10] == b"qt" else "video/mp4"
    return ""


def _open_image(data: bytes) -> Image.Image:
    """Open and fully decode; every way an image can be bad becomes MediaRefused."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()  # structure and checksums
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise MediaRefused(_("The image is too large (%(w)s × %(h)s pixels).")
                                   % {"w": image.width, "h": image.height})
            image.load()  # decodes: truncated data fails here
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise MediaRefused(_("The image has too many pixels to be processed safely.")) from None
        except UnidentifiedImageError:
            raise MediaRefused(_("This file is not an image we can read "
                                 "(JPEG, PNG, GIF or WebP).")) from None
        except (OSError, SyntaxError, ValueError) as exc:
            if isinstance(exc, MediaRefused):
                raise
            raise MediaRefused(_("The image is damaged or incomplete and cannot be used.")) \
                from None
    if image.format not in IMAGE_FORMATS:
        raise MediaRefused(_("This image format is not supported; use JPEG, PNG, GIF or WebP."))
    return image


def _clean(image: Image.Image, data: bytes) -> tuple[bytes, Image.Image]:
    """Remove GPS location and apply the EXIF orientation (re-encoding only when needed)."""
    if image.format == "GIF":
        return data, image
    exif = image.getexif()
    orientation = exif.get(0x0112, 1)
    has_gps = GPS_IFD in exif and bool(exif.get_ifd(GPS_IFD) or exif.get(GPS_IFD))
    if not has_gps and orientation in (None, 1):
        return data, image
    fmt = image.format
    upright = ImageOps.exif_transpose(image)  # also drops the orientation tag
    exif = upright.getexif()
    exif.pop(GPS_IFD, None)
    exif.pop(0x0112, None)
    out = io.BytesIO()
    params = {"exif": exif.tobytes()}
    if fmt == "JPEG":
        params |= {"quality": 92, "optimize": True}
        upright = upright.convert("RGB") if upright.mode not in ("RGB", "L", "CMYK") else upright
    upright.save(out, format=fmt, **params)
    cleaned = out.getvalue()
    return cleaned, Image.open(io.BytesIO(cleaned))


def media_upload(*, organization, actor, upload, alt_text: str = "", source: str = "",
                 licence: str = "", attribution: str = "", folder: str = "",
                 tags: str = "", own_work: bool = False) -> MediaAsset:
    """Validate `upload` (a Django UploadedFile) by its content and add it to the library."""
    require(actor, organization, "media.edit")
    head = upload.read(16)
    upload.seek(0)
    video_type = _is_video(head)
    limit = max_video_bytes() if video_type else max_image_bytes()
    if upload.size > limit:
        raise MediaRefused(_("The file is too large (limit %(mb)s MB).")
                           % {"mb": limit // (1024 * 1024)})
    data = upload.read()
    if not data:
        raise MediaRefused(_("The file is empty."))
    meta: dict = {}
    if video_type:
        kind, content_type = MediaKind.VIDEO, video_type
        ext = "mp4" if "mp4" in video_type else "mov"
    else:
        image = _open_image(data)
        data, image = _clean(image, data)
        content_type = IMAGE_FORMATS[image.format]
        animated = getattr(image, "is_animated", False)
        kind = MediaKind.GIF if image.format == "GIF" and animated else MediaKind.IMAGE
        ext = {"JPEG": "jpg"}.get(image.format, image.format.lower())
        meta = {"width": image.width, "height": image.height}
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        asset = MediaAsset(
            organization=organization, original_name=(upload.name or "")[:255], kind=kind,
            content_type=content_type, size=len(data), sha256=digest, created_by=actor,
            alt_text=alt_text.strip(), source=source.strip(), licence=licence.strip(),
            own_work=bool(own_work),
            attribution=attribution.strip(), folder=folder.strip(), tags=tags.strip(), **meta)
        asset.file.save(f"upload.{ext}", ContentFile(data), save=False)
        asset.save()
        if kind != MediaKind.VIDEO:
            _thumbnail(asset, image)
        audit_record(organization=organization, actor=actor, verb="content.media.uploaded",
                     target=asset, details={"kind": kind, "size": len(data)})
    return asset


def _encode(image: Image.Image, fmt: str, quality: int = 85) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        image = image.convert("RGB")
        image.save(out, format="JPEG", quality=quality, optimize=True)
    elif fmt == "WEBP":
        image.save(out, format="WEBP", quality=quality)
    else:
        image.save(out, format=fmt, optimize=True)
    return out.getvalue()


def _thumbnail(asset: MediaAsset, image: Image.Image) -> MediaRendition:
    thumb = image.copy()
    thumb.thumbnail((THUMB_SIZE, THUMB_SIZE))
    if thumb.mode not in ("RGB", "RGBA"):
        thumb = thumb.convert("RGBA")
    data = _encode(thumb, "WEBP", 80)
    return _store_rendition(asset, "thumb", data, thumb.width, thumb.height, "image/webp", "webp")


def _store_rendition(asset, purpose, data, width, height, content_type, ext) -> MediaRendition:
    rendition, _created = MediaRendition.objects.get_or_create(
        asset=asset, purpose=purpose,
        defaults={"width": width, "height": height, "size": len(data),
                  "content_type": content_type})
    if not _created:
        rendition.file.delete(save=False)
        rendition.width, rendition.height = width, height
        rendition.size, rendition.content_type = len(data), content_type
    rendition.file.save(f"{purpose}.{ext}", ContentFile(data), save=False)
    rendition.save()
    return rendition


def media_rendition_for(*, asset: MediaAsset, purpose: str, max_bytes: int | None = None,
                        max_dimension: int | None = None,
                        accepted_types: tuple[str, ...] = ()) -> MediaAsset | MediaRendition:
    """A platform-ready copy of an image: converted to an accepted format, scaled to
    `max_dimension` and re-compressed until it fits `max_bytes`. Returns the asset itself
    when it already fits (nothing is stored twice)."""
    if asset.kind != MediaKind.IMAGE:
        return asset
    fits_type = not accepted_types or asset.content_type in accepted_types
    fits_size = not max_bytes or asset.size <= max_bytes
    fits_dim = not max_dimension or max(asset.width or 0, asset.height or 0) <= max_dimension
    if fits_type and fits_size and fits_dim:
        return asset
    existing = asset.renditions.filter(purpose=purpose).first()
    if existing is not None:
        return existing
    with asset.file.open("rb") as fh:
        image = Image.open(io.BytesIO(fh.read()))
        image.load()
    if max_dimension:
        image.thumbnail((max_dimension, max_dimension))
    has_alpha = image.mode in ("RGBA", "LA", "P")
    fmt = "PNG" if has_alpha and (not accepted_types or "image/png" in accepted_types) \
        else "JPEG"
    data = _encode(image, fmt, 90)
    quality = 85
    while max_bytes and len(data) > max_bytes:
        if fmt == "PNG" or quality <= 40:
            image.thumbnail((int(image.width * 0.8), int(image.height * 0.8)))
            fmt = "JPEG"
        else:
            quality -= 10
        data = _encode(image, fmt, quality)
    ct = "image/png" if fmt == "PNG" else "image/jpeg"
    return _store_rendition(asset, purpose, data, image.width, image.height, ct,
                            "png" if fmt == "PNG" else "jpg")


def media_update(*, asset: MediaAsset, actor, **fields) -> MediaAsset:
    require(actor, asset.organization, "media.edit")
    allowed = {"alt_text", "source", "licence", "attribution", "folder", "tags", "own_work"}
    for name, value in fields.items():
        if name == "own_work":
            asset.own_work = bool(value)
        elif name in allowed:
            setattr(asset, name, (value or "").strip())
    with transaction.atomic():
        asset.save(update_fields=[n for n in fields if n in allowed])
        audit_record(organization=asset.organization, actor=actor,
                     verb="content.media.updated", target=asset,
                     details={"fields": sorted(set(fields) & allowed)})
    return asset


def media_delete(*, asset: MediaAsset, actor) -> None:
    require(actor, asset.organization, "media.edit")
    if asset.attachments.exists():
        raise ServiceError(_("This file is used by a post and cannot be deleted."),
                           code="in_use")
    with transaction.atomic():
        audit_record(organization=asset.organization, actor=actor,
                     verb="content.media.deleted", target=asset)
        files = [asset.file] + [r.file for r in asset.renditions.all()]
        asset.delete()
        transaction.on_commit(lambda: [f.delete(save=False) for f in files])
