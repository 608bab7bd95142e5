"""Sentiment quality on the committed evaluation sets (bench/data/sentiment/{de,en}.tsv,
`label<TAB>text`): accuracy and macro-F1 per language, and the analyser's speed.

Needs no database (NEEDS_DATABASE = False: bench/run.py then creates none).
"""

from __future__ import annotations

import time
from pathlib import Path

from lib.sentiment import LABELS, analyse

NEEDS_DATABASE = False
DATA = Path(__file__).resolve().parent / "data" / "sentiment"


def load(language: str) -> list[tuple[str, str]]:
    lines = (DATA / f"{language}.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "label\ttext", "header must be label<TAB>text"
    rows = [tuple(line.split("\t", 1)) for line in lines[1:] if line.strip()]
    assert all(label in LABELS for label, _ in rows)
    return rows


def evaluate(rows: list[tuple[str, str]], language: str) -> dict:
    gold = [label for label, _ in rows]
    predicted = [analyse(text, language).label for _, text in rows]
    per_label = {}
    for label in LABELS:
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, predicted, strict=True))
        per_label[label] = round(2 * tp / (2 * tp + fp + fn), 3) if tp else 0.0
    correct = sum(g == p for g, p in zip(gold, predicted, strict=True))
    # The language guess, on the same sentences with no language given.
    guessed = sum(analyse(text).language == language for _, text in rows)
    return {"n": len(rows), "accuracy": round(correct / len(rows), 3),
            "macro_f1": round(sum(per_label.values()) / len(LABELS), 3), "f1": per_label,
            "language_guess_accuracy": round(guessed / len(rows), 3)}


def run() -> dict:
    result = {lang: evaluate(load(lang), lang) for lang in ("de", "en")}
    texts = [text for lang in ("de", "en") for _, text in load(lang)]
    started = time.perf_counter()
    for _ in range(5):
        for text in texts:
            analyse(text)
    result["texts_per_s"] = round(5 * len(texts) / (time.perf_counter() - started))
    return result
