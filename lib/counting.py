"""How long a text is, by each platform's rule.

- graphemes: user-perceived characters (Bluesky, Mastodon, LinkedIn …), via `regex`'s `\\X`.
- weighted (X): twitter-text v3 — NFC-normalised; code points in the light ranges weigh 1,
  everything else 2; every URL counts 23; every emoji sequence counts 2.
- mastodon: graphemes, with every URL counted as `url_length` (the instance's
  `characters_reserved_per_url`) and a remote mention `@user@domain` as `@user`.
- bytes: UTF-8 bytes (Bluesky's second cap).
- bytes_emoji (Threads): characters count 1, emoji count their UTF-8 bytes.
"""

from __future__ import annotations

import unicodedata

import regex

# twitter-text config/v3.json
X_MAX_WEIGHTED_LENGTH = 280
X_SCALE = 100
X_DEFAULT_WEIGHT = 200
X_RANGES = ((0, 4351, 100), (8192, 8205, 100), (8208, 8223, 100), (8242, 8247, 100))
X_URL_LENGTH = 23

GRAPHEME = regex.compile(r"\X")
# Good enough for counting (not for autolinking): scheme URLs and bare domains with a known shape.
URL = regex.compile(
    r"(?<![\w@/.-])(?:https?://[^\s<>\"]+|(?:www\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
    r"(?:com|org|net|io|de|co|uk|eu|social|dev|app|info|me|ly|gl|at|ch|fr|nl|es|it|us|ca|"
    r"edu|gov|xyz|online|site|blog|news|tv)\b(?:/[^\s<>\"]*)?)",
    regex.IGNORECASE,
)
_TRAILING_PUNCT = ".,;:!?)]}'\"»…"
MASTODON_MENTION = regex.compile(r"(?<![\w/])(@[\w.-]*\w)@[\w.-]+\.\w+", regex.UNICODE)


def graphemes(text: str) -> list[str]:
    return GRAPHEME.findall(text)


def count_graphemes(text: str) -> int:
    return len(GRAPHEME.findall(text))


def count_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def is_emoji(cluster: str) -> bool:
    """True for a grapheme that renders as an emoji (incl. ZWJ sequences, flags, keycaps)."""
    if "\u20e3" in cluster or ("\ufe0f" in cluster and regex.search(r"\p{Emoji}", cluster)):
        return True
    if regex.match(r"\p{Regional_Indicator}{2}", cluster):
        return True
    if regex.search(r"\p{Emoji_Presentation}", cluster):
        return True
    return bool(regex.match(r"\p{Extended_Pictographic}", cluster) and len(cluster) > 1
                and regex.search(r"[\u200d\U0001F3FB-\U0001F3FF]", cluster))


def find_urls(text: str) -> list[tuple[int, int]]:
    """(start, end) code-point spans of URLs, trailing punctuation left out."""
    spans = []
    for match in URL.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in _TRAILING_PUNCT:
            # keep a closing paren that belongs to the URL (Wikipedia links)
            if text[end - 1] == ")" and text[start:end].count("(") >= text[start:end].count(")"):
                break
            end -= 1
        spans.append((start, end))
    return spans


def _replace_urls(text: str, placeholder_len: int | None) -> tuple[str, int]:
    """Text with URLs removed, and how much the URLs count (`placeholder_len` each)."""
    spans = find_urls(text)
    if placeholder_len is None:
        return text, 0
    pieces, last = [], 0
    for start, end in spans:
        pieces.append(text[last:start])
        pieces.append("\x00")  # a separator so neighbouring text does not merge into a grapheme
        last = end
    pieces.append(text[last:])
    return "".join(pieces), placeholder_len * len(spans)


def _x_weight(code_point: int) -> int:
    for start, end, weight in X_RANGES:
        if start <= code_point <= end:
            return weight
    return X_DEFAULT_WEIGHT


def count_x_weighted(text: str, *, url_length: int = X_URL_LENGTH) -> int:
    """X's weighted length (twitter-text v3), in characters; 280 is the usual limit."""
    text = unicodedata.normalize("NFC", text)
    stripped, url_weight = _replace_urls(text, url_length)
    total = url_weight * X_SCALE
    for cluster in graphemes(stripped):
        if cluster == "\x00":
            continue
        if is_emoji(cluster):
            total += X_DEFAULT_WEIGHT
        else:
            total += sum(_x_weight(ord(ch)) for ch in cluster)
    return total // X_SCALE


def count_mastodon(text: str, *, url_length: int = 23) -> int:
    """Mastodon's count: graphemes, URLs as `url_length`, `@user@domain` as `@user`."""
    stripped, url_weight = _replace_urls(text, url_length)
    stripped = MASTODON_MENTION.sub(lambda m: m.group(1), stripped)
    return url_weight + sum(1 for g in graphemes(stripped) if g != "\x00")


def count_bytes_emoji(text: str) -> int:
    """Threads: emoji count as their UTF-8 byte length, everything else as one."""
    return sum(count_bytes(g) if is_emoji(g) else 1 for g in graphemes(text))


def count_chars(text: str, *, url_length: int | None = None) -> int:
    stripped, url_weight = _replace_urls(text, url_length)
    return url_weight + sum(1 for g in graphemes(stripped) if g != "\x00")


def text_length(text: str, counting: str, *, url_length: int | None = None) -> int:
    """Length of `text` under a `Limits.counting` rule."""
    if counting == "weighted":
        return count_x_weighted(text, url_length=url_length or X_URL_LENGTH)
    if counting == "mastodon":
        return count_mastodon(text, url_length=url_length or 23)
    if counting == "bytes_emoji":
        return count_bytes_emoji(text)
    if counting == "bytes":
        return count_bytes(text)
    if counting == "codepoints":
        stripped, url_weight = _replace_urls(text, url_length)
        return url_weight + len(stripped.replace("\x00", ""))
    # "graphemes" and "chars" both count what a person sees as one character
    return count_graphemes(text) if url_length is None else count_chars(text, url_length=url_length)
