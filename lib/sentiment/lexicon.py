"""The committed supplements and the German Polarity Lexicon, each read once."""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

DATA = Path(__file__).resolve().parent / "data"


def read_tsv(name: str) -> dict[str, float]:
    """`term<TAB>polarity` lines (polarity in [-1, 1]); `#` starts a comment."""
    values: dict[str, float] = {}
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        term, value = line.split("\t")[:2]
        values[term.strip().lower()] = float(value)
    return values


@lru_cache(maxsize=1)
def emoji() -> dict[str, float]:
    return read_tsv("emoji.tsv")


def german_lexicon_path() -> Path:
    """textblob_de/data/de-sentiment.xml, found without importing textblob_de (its __init__
    fails with current TextBlob releases)."""
    spec = importlib.util.find_spec("textblob_de")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("textblob-de is not installed: it ships the German Polarity Lexicon")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "de-sentiment.xml"


@lru_cache(maxsize=1)
def german() -> dict[str, float]:
    """Lower-cased word form → polarity in [-1, 1]: the lexicon's non-zero entries (where a
    form appears twice, e.g. as noun and verb, the stronger one), then the supplement on top."""
    values: dict[str, float] = {}
    root = ElementTree.parse(german_lexicon_path()).getroot()  # noqa: S314 — a packaged file
    for word in root.iter("word"):
        form = (word.get("form") or "").strip().lower()
        polarity = float(word.get("polarity") or 0)
        if form and polarity and abs(polarity) > abs(values.get(form, 0.0)):
            values[form] = polarity
    for form, polarity in read_tsv("de-supplement.tsv").items():
        if polarity:
            values[form] = polarity
        else:
            values.pop(form, None)
    return values
