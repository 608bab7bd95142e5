"""Check a post against an account's `Limits`: the default `Provider.validate()`.

Each problem carries a stable `code` (the composer keys on it) and a translated
message that says what to change.
"""

from __future__ import annotations

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lib.counting import count_bytes, count_graphemes, find_urls, text_length
from platforms.limits import Limits, MediaFile, Problem


def validate_against_limits(limits: Limits, text: str, media: list[MediaFile], *,
                            platform: str = "") -> list[Problem]:
    """Every way `text` and `media` break `limits`; an empty list means the post fits.
    `platform` (the network's name) goes into messages that differ per network."""
    problems = _text_problems(limits, text, has_media=bool(media))
    problems += _media_problems(limits, media, platform)
    return problems


def _text_problems(limits: Limits, text: str, *, has_media: bool) -> list[Problem]:
    problems: list[Problem] = []
    if not text.strip() and not has_media:
        problems.append(Problem("empty", _("Write some text or attach media.")))
        return problems
    length = text_length(text, limits.counting, url_length=limits.url_length)
    if length > limits.max_chars:
        over = length - limits.max_chars
        problems.append(Problem("too_long", ngettext(
            "The text is %(over)d character too long (%(length)d of %(max)d).",
            "The text is %(over)d characters too long (%(length)d of %(max)d).",
            over,
        ) % {"over": over, "length": length, "max": limits.max_chars}))
    if limits.max_bytes is not None and count_bytes(text) > limits.max_bytes:
        problems.append(Problem("too_many_bytes", _(
            "The text is too large for this platform (%(bytes)d of %(max)d bytes)."
        ) % {"bytes": count_bytes(text), "max": limits.max_bytes}))
    if not limits.links_allowed and find_urls(text):
        problems.append(Problem(
            "link_not_allowed",
            _("This platform does not make links in posts clickable; remove the link."),
            field="link",
        ))
    return problems


def _media_problems(limits: Limits, media: list[MediaFile], platform: str = "") -> list[Problem]:
    problems: list[Problem] = []
    if len(media) > limits.max_media and platform:
        problems.append(Problem("too_many_media", ngettext(
            "%(platform)s takes at most %(max)d image or video per post (%(count)d attached).",
            "%(platform)s takes at most %(max)d images or videos per post (%(count)d attached).",
            limits.max_media,
        ) % {"platform": platform, "max": limits.max_media, "count": len(media)},
            field="media"))
    elif len(media) > limits.max_media:
        problems.append(Problem("too_many_media", ngettext(
            "At most %(max)d file can be attached here (%(count)d attached).",
            "At most %(max)d files can be attached here (%(count)d attached).",
            limits.max_media,
        ) % {"max": limits.max_media, "count": len(media)}, field="media"))
    kinds = {_kind(m) for m in media}
    if "video" in kinds and not limits.video_allowed:
        problems.append(Problem("video_not_allowed",
                                _("Videos cannot be posted to this account."), field="media"))
    if len(kinds) > 1 and not limits.mixed_media_allowed:
        problems.append(Problem("mixed_media",
                                _("Images and videos cannot be mixed in one post here."),
                                field="media"))
    for item in media:
        problems += _file_problems(limits, item)
    return problems


def _file_problems(limits: Limits, item: MediaFile) -> list[Problem]:
    problems: list[Problem] = []
    name = {"name": item.filename}
    is_video = _kind(item) == "video"
    if item.content_type not in limits.media_types and (not is_video or limits.video_allowed):
        problems.append(Problem("media_type", _(
            "%(name)s: this file type (%(type)s) is not accepted here."
        ) % {**name, "type": item.content_type}, field="media"))
    cap = limits.max_video_bytes if is_video else limits.max_image_bytes
    if cap is not None and item.size > cap:
        problems.append(Problem("media_too_large", _(
            "%(name)s is too large (%(size)s; at most %(max)s)."
        ) % {**name, "size": filesizeformat(item.size), "max": filesizeformat(cap)},
            field="media"))
    alt = (item.alt_text or "").strip()
    if limits.alt_text_required and not alt:
        problems.append(Problem("alt_missing", _(
            "%(name)s needs a description (alt text) for people who cannot see it."
        ) % name, field="media"))
    if limits.alt_text_max is not None and count_graphemes(alt) > limits.alt_text_max:
        problems.append(Problem("alt_too_long", _(
            "The description of %(name)s is too long (at most %(max)d characters)."
        ) % {**name, "max": limits.alt_text_max}, field="media"))
    return problems


def _kind(item: MediaFile) -> str:
    return "video" if item.content_type.startswith("video/") else "image"
