"""Offline sentiment for short social-media texts in German and English.

`analyse(text, language=None) -> Score(label, score, language)`: score is in [-1, 1]
(VADER's normalisation x/sqrt(x²+15)), label is negative below -0.05, positive above 0.05,
neutral between. English uses VADER (vaderSentiment, MIT) scored per clause; German uses the
German Polarity Lexicon (Klenner et al., Apache-2.0, shipped in textblob-de) with a small
committed supplement of colloquial words and emoji. Framework-free: no Django here.
"""

from __future__ import annotations

from dataclasses import dataclass

from lib.sentiment.language import guess_language

THRESHOLD = 0.05
LABELS = ("negative", "neutral", "positive")
LANGUAGES = ("de", "en")


@dataclass(frozen=True)
class Score:
    label: str
    score: float
    language: str


def label_for(score: float) -> str:
    if score > THRESHOLD:
        return "positive"
    if score < -THRESHOLD:
        return "negative"
    return "neutral"


def _language(text: str, language: str | None) -> str:
    code = (language or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else guess_language(text)


def analyse(text: str, language: str | None = None) -> Score:
    """The sentiment of `text`; `language` (e.g. "de", "en-GB") if known, else guessed."""
    lang = _language(text or "", language)
    if not (text or "").strip():
        return Score("neutral", 0.0, lang)
    if lang == "de":
        from lib.sentiment.german import score as score_de

        value = score_de(text)
    else:
        from lib.sentiment.english import score as score_en

        value = score_en(text)
    value = round(max(-1.0, min(1.0, value)), 4)
    return Score(label_for(value), value, lang)


__all__ = ["LABELS", "THRESHOLD", "Score", "analyse", "label_for"]
