"""Facets (app.bsky.richtext.facet): links, mentions and hashtags with UTF-8 byte offsets.

Detection follows the reference client (`@atproto/api` rich-text detection): a mention
is `@handle` after a start, space or "(", a hashtag `#tag` after a start or space
(not only digits, trailing punctuation dropped, at most 64 characters), a link any
http(s) URL or bare domain the composer also counts as a URL. Offsets are byte
offsets into the UTF-8 text (Python indexes code points, so every span is encoded).
"""

from __future__ import annotations

from collections.abc import Callable

import regex

from lib.counting import count_graphemes, find_urls

MENTION = regex.compile(r"(?:^|\s|\()@([a-zA-Z0-9.-]+)(?:\b)")
_INVISIBLE = "\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2"
TAG = regex.compile(
    rf"(?:^|\s)[#＃]((?!\ufe0f)[^\s{_INVISIBLE}]*[^\d\s\p{{P}}{_INVISIBLE}]+[^\s{_INVISIBLE}]*)?"
)
TAG_MAX_GRAPHEMES = 64
TAG_MAX_BYTES = 640
FACET = "app.bsky.richtext.facet"


def byte_span(text: str, start: int, end: int) -> dict:
    """A facet index for the code-point span text[start:end]."""
    byte_start = len(text[:start].encode("utf-8"))
    return {"byteStart": byte_start, "byteEnd": byte_start + len(text[start:end].encode("utf-8"))}


def _link_facets(text: str) -> list[tuple[int, int, dict]]:
    found = []
    for start, end in find_urls(text):
        uri = text[start:end]
        if not uri.lower().startswith(("http://", "https://")):
            uri = f"https://{uri}"
        found.append((start, end, {"$type": f"{FACET}#link", "uri": uri}))
    return found


def _mention_facets(text: str, resolve: Callable[[str], str | None]) -> list[tuple[int, int, dict]]:
    from platforms.bluesky.identity import HANDLE_RE

    found = []
    for match in MENTION.finditer(text):
        handle = match.group(1).rstrip(".")
        if not HANDLE_RE.match(handle):
            continue
        did = resolve(handle.lower())
        if not did:  # an unknown handle stays plain text, as in the Bluesky app
            continue
        start = match.start(1) - 1  # include the "@"
        found.append((start, start + 1 + len(handle), {"$type": f"{FACET}#mention", "did": did}))
    return found


def _tag_facets(text: str) -> list[tuple[int, int, dict]]:
    found = []
    for match in TAG.finditer(text):
        if match.group(1) is None:
            continue
        tag = regex.sub(r"\p{P}+$", "", match.group(1))
        if not tag or count_graphemes(tag) > TAG_MAX_GRAPHEMES or \
                len(tag.encode("utf-8")) > TAG_MAX_BYTES:
            continue
        start = match.start(1) - 1  # include the "#"
        found.append((start, start + 1 + len(tag), {"$type": f"{FACET}#tag", "tag": tag}))
    return found


def detect_facets(text: str, *, resolve_handle: Callable[[str], str | None]) -> list[dict]:
    """The facets for `text`, ordered by position; overlapping spans keep the earlier one."""
    spans = _link_facets(text) + _mention_facets(text, resolve_handle) + _tag_facets(text)
    spans.sort(key=lambda s: (s[0], -s[1]))
    facets, last_end = [], -1
    for start, end, feature in spans:
        if start < last_end:
            continue  # e.g. a "#fragment" inside a URL
        facets.append({"index": byte_span(text, start, end), "features": [feature]})
        last_end = end
    return facets
