"""English sentiment: VADER, scored per clause and recombined (VADER's negation looks three
words back even across a sentence end), with the shared emoji polarities."""

from __future__ import annotations

import math
from functools import lru_cache

import regex

from lib.sentiment.lexicon import emoji

ALPHA = 15.0
SCALE = 2.0
CLAUSE = regex.compile(r"(?<=[.!?;])\s+|\n+|\s+(?:-|–|—)\s+")


@lru_cache(maxsize=1)
def _analyser():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def _raw(compound: float) -> float:
    """Undo VADER's normalisation: the clause's summed valence."""
    compound = max(-0.9999, min(0.9999, compound))
    return compound * math.sqrt(ALPHA) / math.sqrt(1 - compound * compound)


def score(text: str) -> float:
    emojis = emoji()
    text = text.replace("\ufe0f", "")
    total = 0.0
    plain = []
    for ch in text:
        if ch in emojis:
            total += emojis[ch] * SCALE
            plain.append(" ")
        else:
            plain.append(ch)
    analyser = _analyser()
    for clause in CLAUSE.split("".join(plain)):
        if clause.strip():
            total += _raw(analyser.polarity_scores(clause)["compound"])
    return total / math.sqrt(total * total + ALPHA)
