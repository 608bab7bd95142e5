"""A cheap German/English guess from function words and German letters."""

from __future__ import annotations

import re

WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_GERMAN = """
der die das den dem des ein eine einen einem einer und ist nicht ich du er sie wir ihr es
mit auf für von zu im ins am bei nach aus auch noch schon sehr aber oder wie was wo warum
kein keine mein meine euer eure euch uns bitte danke hat habe haben war wird werden kann
ja nein nur mal doch jetzt heute gestern wieder gibt immer sind seid bin dass wenn weil
"""
_ENGLISH = """
the a an and is are was were not no i you he she we they it my your our their with on for
of to in at by from this that these those be been have has had do does did can could will
would should what where why how when very but or just so thanks thank please again there
"""
GERMAN = frozenset(_GERMAN.split())
ENGLISH = frozenset(_ENGLISH.split())


def guess_language(text: str) -> str:
    """"de" or "en" (English when nothing tells them apart)."""
    words = [w.lower() for w in WORD.findall(text or "")]
    de = sum(w in GERMAN for w in words)
    en = sum(w in ENGLISH for w in words)
    de += 2 * sum(ch in "äöüßÄÖÜ" for ch in text or "")
    return "de" if de > en else "en"
