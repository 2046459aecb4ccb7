"""The Voikko lexicon, when this computer has it: what kind of word a capitalised word is.

Voikko (libvoikko with the Finnish dictionary; Debian/Ubuntu: ``apt install libvoikko1 voikko-fi``)
knows Finnish words in every inflected form, and a large list of first names, surnames and place
names, Finnish and international. The ``libvoikko`` Python package is only the binding: without
the library or the dictionary, ``Lexicon.load()`` returns an empty lexicon and the name recogniser
falls back to the user's own names list and context cues (docs/privacy.md says what that finds).

``ENCOUNTERS_VOIKKO=off`` turns the lexicon off, to see what an install without Voikko finds.
Analyses are cached per word: names repeat, and one Voikko call costs about 40 µs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

FIRST, LAST, PLACE = "etunimi", "sukunimi", "paikannimi"
_NAME_CLASSES = frozenset({FIRST, LAST, PLACE, "nimi"})
_INNER_CASES = frozenset({"sisaolento", "sisaeronto", "sisatulento"})  # in, out of, into: places
_CACHE_LIMIT = 200_000


@dataclass(frozen=True)
class Word:
    """What the lexicon says about one word (any of its readings)."""

    first: bool = False  # a first name
    last: bool = False  # a surname
    place: bool = False  # a place (or another proper name that is not a person's)
    common: bool = False  # also a common word: a noun, verb, adjective, pronoun, …
    inessive: bool = False  # some reading is in the inessive case ('Kalliossa'): a place, not a person
    inner_case: bool = False  # some name reading is in an 'inner' locative case (in/out of/into)
    lemma: str | None = None  # base form of the name reading (else of any reading), casefolded

    @property
    def known(self) -> bool:
        return self.first or self.last or self.place or self.common

    @property
    def person(self) -> bool:
        return self.first or self.last


UNKNOWN = Word()


class Lexicon:
    """Word analyses from Voikko, cached; ``available`` is False when Voikko could not be loaded."""

    def __init__(self, voikko: Any = None, reason: str | None = None) -> None:
        self._voikko = voikko
        self.reason = reason  # why it is not available, for 'encounters privacy status'
        self._cache: dict[str, Word] = {}
        self.memo: dict[str, dict] = {}  # caches of recognisers built on this lexicon, by their name

    @property
    def available(self) -> bool:
        return self._voikko is not None

    @classmethod
    def off(cls, reason: str = "turned off") -> Lexicon:
        return cls(None, reason)

    @classmethod
    def load(cls) -> Lexicon:
        """Voikko's Finnish lexicon, or an empty one saying why it is missing."""
        if os.environ.get("ENCOUNTERS_VOIKKO", "").strip().lower() in ("off", "0", "no", "false"):
            return cls.off("turned off by ENCOUNTERS_VOIKKO")
        try:
            import libvoikko
        except ImportError:
            return cls.off("the libvoikko Python package is not installed")
        try:
            voikko = libvoikko.Voikko("fi")
        except OSError:
            return cls.off("the Voikko library (libvoikko1) is not installed")
        except Exception as error:  # libvoikko.VoikkoException: no Finnish dictionary (voikko-fi)
            return cls.off(f"Voikko has no Finnish dictionary ({error})")
        return cls(voikko)

    def word(self, token: str) -> Word:
        """The analysis of ``token`` (as written; Voikko itself ignores the case of the first letter)."""
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        word = self._analyse(token) if self._voikko is not None else UNKNOWN
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[token] = word
        return word

    def _analyse(self, token: str) -> Word:
        first = last = place = common = inessive = inner = False
        name_lemma = other_lemma = None
        for analysis in self._voikko.analyze(token):
            kind = analysis.get("CLASS")
            case = analysis.get("SIJAMUOTO")
            base = (analysis.get("BASEFORM") or "").casefold() or None
            if case == "sisaolento":
                inessive = True
            if kind in _NAME_CLASSES:
                if kind == FIRST:
                    first = True
                elif kind == LAST:
                    last = True
                else:
                    place = True
                if case in _INNER_CASES:
                    inner = True
                # a surname's base form wins: it keys the person (Virtasen -> virtanen)
                if base and (name_lemma is None or kind == LAST):
                    name_lemma = base
            else:
                common = True
                other_lemma = other_lemma or base
        return Word(first, last, place, common, inessive, inner, name_lemma or other_lemma)


_default: Lexicon | None = None


def default_lexicon() -> Lexicon:
    """The process-wide lexicon, loaded on first use (about 30 ms)."""
    global _default
    if _default is None:
        _default = Lexicon.load()
    return _default


def reset_default_lexicon() -> None:
    """Forget the loaded lexicon (tests change ENCOUNTERS_VOIKKO between runs)."""
    global _default
    _default = None
