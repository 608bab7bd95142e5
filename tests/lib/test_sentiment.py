"""lib.sentiment: labels, languages, the German rules, and the evaluation bench."""

import pytest

from bench import sentiment as bench
from lib.sentiment import Score, analyse, label_for
from lib.sentiment.german import lookup
from lib.sentiment.language import guess_language


@pytest.mark.parametrize(("text", "language", "label"), [
    ("Love the new blend, best coffee all year!", "en", "positive"),
    ("Still waiting for my refund, this is ridiculous.", "en", "negative"),
    ("What are your opening hours on Sunday?", "en", "neutral"),
    ("Der Kaffee ist wirklich gut!", "de", "positive"),
    ("Der Kaffee ist nicht gut.", "de", "negative"),
    ("Das gefällt mir nicht.", "de", "negative"),
    ("Gar nicht schlecht.", "de", "positive"),
    ("Kein Problem.", "de", "positive"),
    ("Wie sind eure Öffnungszeiten am Sonntag?", "de", "neutral"),
    ("Mega lecker 😍", "de", "positive"),
    ("Paket beschädigt 😡", "de", "negative"),
    ("", None, "neutral"),
])
def test_labels(text, language, label):
    assert analyse(text, language).label == label


def test_score_shape_and_threshold():
    result = analyse("Das ist sehr gut", "de")
    assert isinstance(result, Score) and result.language == "de"
    assert 0.05 < result.score <= 1
    assert label_for(0.05) == "neutral" and label_for(0.0501) == "positive"
    assert label_for(-0.0501) == "negative"


def test_german_rules():
    # Boosters strengthen, "aber" weighs what follows, "!" emphasises.
    assert analyse("sehr gut", "de").score > analyse("gut", "de").score
    assert analyse("gut!!", "de").score > analyse("gut", "de").score
    assert analyse("Der Kaffee ist gut, aber der Service ist schlecht", "de").label == "negative"
    # Inflection endings and compound heads; the supplement overrides the lexicon ("satt").
    assert lookup("gute") == lookup("gut") > 0
    assert lookup("lieferchaos") == lookup("chaos") < 0
    assert lookup("satt") == 0
    assert lookup("kaputten") < 0


def test_language_hint_and_guess():
    assert analyse("gut", "de-DE").language == "de"
    assert analyse("good", "EN_gb").language == "en"
    assert analyse("good", "fr").language == "en"  # unsupported: guessed
    assert guess_language("Wir sind nächste Woche in der Filiale") == "de"
    assert guess_language("We are visiting the store next week") == "en"


def test_evaluation_sets_and_bench():
    for lang in ("de", "en"):
        rows = bench.load(lang)
        assert len(rows) >= 200
        texts = [text for _, text in rows]
        assert len(set(texts)) == len(texts)
        counts = {label: sum(r[0] == label for r in rows) for label in ("negative", "neutral",
                                                                         "positive")}
        assert max(counts.values()) - min(counts.values()) <= 5
    result = bench.run()
    assert result["de"]["macro_f1"] >= 0.70 and result["en"]["macro_f1"] >= 0.70
