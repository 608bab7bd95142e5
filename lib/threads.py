"""Threads in a text: parts separated by a line of three dashes, and splitting at sentences.

A post's text (shared or per account) may hold several parts, each on its own after a
line that is just `---`. Networks that take threads publish each part as a reply to the
one before; the others get the parts joined into one text (`join_parts`).
"""

from __future__ import annotations

from collections.abc import Callable

import regex

SEPARATOR = "---"
_SEPARATOR_LINE = regex.compile(r"(?m)^[ \t]*-{3}[ \t]*$")
# A sentence ends at . ! ? … (and closing quotes or brackets after them) followed by space.
_SENTENCE_END = regex.compile(r"(?<=[.!?…][\"'”’»)\]]*)\s+")
_WORD_GAP = regex.compile(r"\s+")


def split_parts(text: str) -> list[str]:
    """The thread's parts, in order (one part when the text has no separator line)."""
    parts = [p.strip() for p in _SEPARATOR_LINE.split(text or "")]
    return [p for p in parts if p] or [""]


def join_parts(text: str) -> str:
    """The text for a network without threads: the parts as paragraphs of one post."""
    return "\n\n".join(split_parts(text))


def has_parts(text: str) -> bool:
    return len(split_parts(text)) > 1


def _pieces(text: str, pattern: regex.Pattern) -> list[str]:
    pieces, start = [], 0
    for match in pattern.finditer(text):
        pieces.append(text[start:match.start()])
        start = match.end()
    pieces.append(text[start:])
    return [p for p in pieces if p]


def _fill(pieces: list[str], fits: Callable[[str], bool], glue: str) -> list[str]:
    parts: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{glue}{piece}" if current else piece
        if fits(candidate):
            current = candidate
            continue
        if current:
            parts.append(current)
        current = piece
    if current:
        parts.append(current)
    return parts


def split_into_parts(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Split `text` into parts that each `fits`, at sentence ends where possible.

    Paragraphs are kept together while they fit; a paragraph too long for one part is cut
    after sentences; a sentence too long for one part after words (a word longer than a
    part stays whole: the counter then shows it as too long). Existing parts are kept and
    only the ones that do not fit are split.
    """
    out: list[str] = []
    for part in split_parts(text):
        if fits(part):
            out.append(part)
            continue
        paragraphs: list[str] = []
        for paragraph in _pieces(part, regex.compile(r"\n\s*\n")):
            if fits(paragraph):
                paragraphs.append(paragraph)
                continue
            for sentence in _fill(_pieces(paragraph, _SENTENCE_END), fits, " "):
                if fits(sentence):
                    paragraphs.append(sentence)
                else:
                    paragraphs += _fill(_pieces(sentence, _WORD_GAP), fits, " ")
        out += _fill(paragraphs, fits, "\n\n")
    return out or [""]


def thread_text(parts: list[str]) -> str:
    """Parts written back as one text with separator lines (what the composer shows)."""
    return f"\n\n{SEPARATOR}\n\n".join(p.strip() for p in parts)
