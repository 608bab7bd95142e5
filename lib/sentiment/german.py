"""German sentiment from the German Polarity Lexicon, with VADER's rules carried over:
inflection endings and compound heads for lookup, a negation window (nicht, kein…, nie),
boosters and dampeners, "aber" contrast, "!" emphasis, emoji, and x/sqrt(x²+15)."""

from __future__ import annotations

import math
from functools import lru_cache

import regex

from lib.sentiment.lexicon import emoji, german

SCALE = 2.0  # lexicon polarity ±1 ≈ VADER valence ±2 ("good" is 1.9 there)
ALPHA = 15.0
NEGATION_SCALAR = -0.74  # VADER's N_SCALAR
BOOST = 0.293  # VADER's B_INCR
WINDOW = 3
ENDINGS = ("sten", "ster", "stes", "stem", "ste", "ern", "en", "er", "es", "em", "e", "n", "s")
MIN_HEAD = 4

NEGATORS = frozenset(("nicht", "kein", "keine", "keinen", "keinem", "keiner", "keines", "nie",
                      "niemals", "nichts", "niemand", "niemanden", "nirgends", "ohne", "weder"))
BOOSTERS = frozenset(("sehr", "extrem", "total", "echt", "richtig", "absolut", "wirklich",
                      "unglaublich", "besonders", "äußerst", "voll", "völlig", "ziemlich",
                      "mega", "super", "höchst", "zutiefst", "riesig", "so", "ganz", "mehr",
                      "einfach", "überaus", "komplett", "wahnsinnig", "furchtbar"))
DAMPENERS = frozenset(("etwas", "bisschen", "eher", "leicht", "relativ", "wenig", "halbwegs",
                       "teilweise", "kaum", "einigermaßen"))
CONTRAST = frozenset(("aber", "jedoch", "allerdings", "trotzdem"))
# A clause boundary stops negation and boosters; "!" is counted for emphasis.
TOKEN = regex.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|[.,;:?!]|\p{Extended_Pictographic}")
CLAUSE_END = frozenset(".,;:?!")


@lru_cache(maxsize=20_000)
def lookup(word: str) -> float:
    """Polarity in [-1, 1] of a lower-cased word: as written, without an inflection ending,
    or by its compound head ("lieferverzögerung" → "verzögerung")."""
    lex = german()
    if word in lex:
        return lex[word]
    for ending in ENDINGS:
        stem = word[: -len(ending)]
        if word.endswith(ending) and len(stem) >= 3 and stem in lex:
            return lex[stem]
    if "-" in word:
        return lookup(word.rsplit("-", 1)[1])
    for start in range(3, len(word) - MIN_HEAD + 1):
        head = word[start:]
        if head in lex:
            return lex[head]
        for ending in ENDINGS:
            stem = head[: -len(ending)]
            if head.endswith(ending) and len(stem) >= MIN_HEAD and stem in lex:
                return lex[stem]
    return 0.0


def _clauses(tokens: list[str]) -> list[int]:
    clause, ids = 0, []
    for tok in tokens:
        ids.append(clause)
        if tok in CLAUSE_END:
            clause += 1
    return ids


def score(text: str) -> float:
    tokens = TOKEN.findall(text.replace("\ufe0f", ""))
    lower = [t.lower() for t in tokens]
    clause = _clauses(tokens)
    emojis = emoji()
    values = [0.0] * len(tokens)
    for i, tok in enumerate(lower):
        if tok in emojis:
            values[i] = emojis[tok] * SCALE
        elif tok not in NEGATORS and tok not in CONTRAST and not (
                (tok in BOOSTERS or tok in DAMPENERS) and i + 1 < len(lower)
                and clause[i + 1] == clause[i] and lookup(lower[i + 1])):
            values[i] = lookup(tok) * SCALE
    polar = [i for i, v in enumerate(values) if v and tokens[i] not in emojis]
    # Boosters/dampeners up to two words before a polar word, in the same clause.
    for i in polar:
        for distance in (1, 2):
            j = i - distance
            if j < 0 or clause[j] != clause[i]:
                break
            factor = 1.0 if distance == 1 else 0.95
            if lower[j] in BOOSTERS:
                values[i] += math.copysign(BOOST * factor, values[i])
            elif lower[j] in DAMPENERS:
                values[i] -= math.copysign(BOOST * factor, values[i])
    # A negator turns the next polar word in its clause within the window, else the one just
    # before it ("das gefällt mir nicht").
    for j, tok in enumerate(lower):
        if tok not in NEGATORS:
            continue
        after = [i for i in polar if j < i <= j + WINDOW and clause[i] == clause[j]]
        before = [i for i in polar if j - WINDOW <= i < j and clause[i] == clause[j]]
        target = after[0] if after else (before[-1] if before else None)
        if target is not None:
            values[target] *= NEGATION_SCALAR
    # "aber": what comes before counts half, what follows half again as much (VADER's "but").
    contrast = next((j for j, tok in enumerate(lower) if tok in CONTRAST), None)
    if contrast is not None:
        values = [v * (0.5 if i < contrast else 1.5) for i, v in enumerate(values)]
    total = sum(values)
    if total:
        total += math.copysign(min(tokens.count("!"), 4) * 0.292, total)
    return total / math.sqrt(total * total + ALPHA)
