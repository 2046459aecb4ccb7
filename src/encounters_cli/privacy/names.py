"""Person names, Finnish and international, in any inflected form.

Capitalised words are the candidates. Each gets a verdict from what it is and where it stands:

- the user's always-scrub list ('Veera Testinen' also finds 'Testiselle', 'Veeran'): a name, always;
- a title or role just before it ('Dr', 'rouva', 'asiakas', 'äidin', 'client', 'mother'): a name;
- Voikko knows it as a first name or surname ('Mikolle' -> Mikko, 'Virtasen' -> Virtanen): a name
  in mid-sentence; at the start of a sentence only if it is not also a common word ('Anna' is also
  'give!', 'Kallio' also 'rock'); in the inessive with a place or common reading ('Kalliossa') it is
  a place;
- a word Voikko does not know at all, capitalised in mid-sentence ('Okafor', 'Fictivelle'): a name;
- a Finnish -nen word capitalised in mid-sentence ('Ruotsalainen', 'Niemiselle'): a surname;
- place names ('Helsingissä'), capitalised common words ('Luottamus'), the stop list (service
  and system names, weekdays, months, languages): not names on their own.

Adjacent capitalised words then form runs: a run with a name in it is one person ('Oskari
Kuvitelman', where 'Kuvitelma' alone is a common word; 'Liisa Mäkelä', where 'Mäkelä' alone is a
place); a run with an organisation word is no person ('Helsinki City Library').

Without Voikko only the user's list, titles and roles, and the -nen rule remain (docs/privacy.md).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from encounters_cli.privacy import wordlists
from encounters_cli.privacy.addresses import street_base
from encounters_cli.privacy.found import PERSON, Found
from encounters_cli.privacy.lexicon import UNKNOWN, Lexicon, Word

# --- guessing a base form without a lexicon --------------------------------------------------------

_NEN_FORMS = (
    ("sellä", "nen"), ("sella", "nen"), ("selle", "nen"), ("seltä", "nen"), ("selta", "nen"),
    ("sessä", "nen"), ("sessa", "nen"), ("sestä", "nen"), ("sesta", "nen"), ("seksi", "nen"),
    ("seen", "nen"), ("sena", "nen"), ("senä", "nen"), ("sten", "nen"), ("sen", "nen"),
    ("sille", "nen"), ("sillä", "nen"), ("silla", "nen"), ("set", "nen"),
)  # fmt: skip
_AFTER_CONSONANT = (
    "ille",
    "illa",
    "illä",
    "ilta",
    "iltä",
    "issa",
    "issä",
    "ista",
    "istä",
    "iin",
    "ia",
    "iä",
    "in",
)
_AFTER_VOWEL = ("lle", "lla", "llä", "lta", "ltä", "ssa", "ssä", "sta", "stä", "ksi", "n")
_VOWELS = frozenset("aeiouyäöå")


def guess_base(word: str) -> str:
    """A likely base form of a casefolded name we have no lexicon entry for ('fictivelle' -> 'fictive').

    Only the commonest Finnish case endings; good enough to number 'Okafor' and 'Okaforille' alike.
    """
    word = word.split(":", 1)[0]
    if word.endswith("nen"):
        return word
    for ending, base in _NEN_FORMS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)] + base
    for ending in _AFTER_CONSONANT:
        stem = word[: -len(ending)]
        if word.endswith(ending) and len(stem) >= 3 and stem[-1] not in _VOWELS:
            return stem
    for ending in _AFTER_VOWEL:
        stem = word[: -len(ending)]
        if word.endswith(ending) and len(stem) >= 3 and stem[-1] in _VOWELS:
            return stem
    return word


def name_key(word: str) -> str:
    """``guess_base`` until nothing changes: one key for 'Kristian', 'Kristianin' and 'Kristianille'."""
    for _ in range(3):
        base = guess_base(word)
        if base == word:
            break
        word = base
    return word


# --- the user's names ------------------------------------------------------------------------------

_ENDINGS = (
    "", "n", "a", "ä", "ta", "tä", "lle", "lla", "llä", "lta", "ltä", "ssa", "ssä", "sta", "stä",
    "ksi", "na", "nä", "ineen", "tta", "ttä", "t", "nsa", "nsä", "ni", "kin", "nkin", "llekin",
)  # fmt: skip
_GRADATION = (
    ("kk", "k"), ("pp", "p"), ("tt", "t"), ("nk", "ng"), ("mp", "mm"), ("nt", "nn"), ("lt", "ll"),
    ("rt", "rr"), ("t", "d"), ("p", "v"), ("k", ""),
)  # fmt: skip


def name_forms(name: str) -> set[str]:
    """Inflected forms of one casefolded name word, Voikko or not ('mikko' -> 'mikon', 'mikolle', …).

    Over-generates on purpose: a form that is no real word costs nothing, a missing one leaks a name.
    """
    stems = {name}
    if name.endswith("nen"):
        stems |= {name[:-3] + "se", name[:-3] + "s"}
        forms = {name, name[:-3] + "seen", name[:-3] + "sten", name[:-3] + "sia", name[:-3] + "siä"}
        forms |= {name[:-3] + "si" + ending for ending in ("lle", "lla", "llä", "lta", "ltä", "n")}
    else:
        forms = {name}
    if name[-1:] in _VOWELS:
        body, vowel = name[:-1], name[-1]
        forms.add(name + vowel + "n")  # illative: Mikkoon, Liisaan, Villeen
        for strong, weak in _GRADATION:
            if body.endswith(strong) and len(body) > len(strong):
                stems.add(body[: -len(strong)] + weak + vowel)  # Mikko -> Miko-, Satu -> Sadu-
                break
    else:
        stems |= {name + "i", name + ":"}  # Smithin, Smith:lle
        if name.endswith("s"):
            stems.add(name[:-1] + "kse")  # Markus -> Markukse-, Tuomas -> Tuomakse-
        forms.add(name + "iin")
    for stem in stems:
        forms.update(stem + ending for ending in _ENDINGS)
    return {form for form in forms if form}


_NAME_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


class NamesList:
    """The user's always-scrub names, matched in any inflected form, capitalised or not."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names = [name.strip() for name in names if name and name.strip()]
        self.forms: dict[str, str] = {}  # casefolded form -> base of the name word
        self.bases: set[str] = set()
        self.full: dict[str, tuple[str, ...]] = {}  # base of a word -> the first listed name with it
        for name in self.names:
            parts = tuple(part.casefold() for part in _NAME_WORD.findall(name))
            for base in parts:
                self.bases.add(base)
                self.full.setdefault(base, parts)
                for form in name_forms(base):
                    self.forms.setdefault(form, base)
        stems = set()
        for base in self.bases:
            prefix = os.path.commonprefix(sorted(name_forms(base)))  # noqa: RUF071 - every form's start
            stems.add(prefix if len(prefix) >= 3 else base)
        stems = sorted(stems, key=len, reverse=True)
        # lower-case mentions ('soitin liisalle') are found by this scan; capitalised ones by the tokens
        # Lower-case only, and no look-behind: both would make this scan several times slower.
        self.lowercase = (
            re.compile("(?:" + "|".join(map(re.escape, stems)) + r")[^\W\d_]*(?::[^\W\d_]{1,6})?")
            if stems
            else None
        )

    def __bool__(self) -> bool:
        return bool(self.names)

    def person(self, parts: tuple[str, ...]) -> tuple[str, ...]:
        """The whole listed name a mention of listed words belongs to: 'Veeralle' -> veera, testinen."""
        full = self.full.get(parts[0])
        return full if full is not None and set(parts) <= set(full) else parts

    def base(self, folded: str, word: Word) -> str | None:
        """The listed name this word is a form of, if any."""
        base = self.forms.get(folded)
        if base is None and word.lemma in self.bases:
            base = word.lemma
        return base


# --- the recogniser --------------------------------------------------------------------------------

_UPPER = "".join(chr(code) for code in range(0x41, 0x530) if chr(code).isupper())
# No look-behind here (it doubles the cost of the scan); what stands before a token is checked in Python.
# Two letters at least: 'I' and 'A' are never names, and English has an 'I' in most sentences.
_TOKEN = re.compile(rf"[{re.escape(_UPPER)}][^\W\d_]+(?:[-'’][^\W\d_]+)*(?::[^\W\d_]{{1,6}})?")
# The same pattern for text within Latin-1, as most journal text is: its classes spelled out, which the
# regex engine tests several times faster than [^\W\d_]'s Unicode categories (about 1 µs a text).
_LATIN1 = [chr(code) for code in range(256)]
_LETTER = "".join(char for char in _LATIN1 if char.isalnum() and not char.isdecimal() and char != "_")
_TOKEN_LATIN1 = re.compile(
    rf"[{re.escape(''.join(char for char in _LATIN1 if char in _UPPER))}]"
    rf"[{re.escape(_LETTER)}]+(?:[-'’][{re.escape(_LETTER)}]+)*(?::[{re.escape(_LETTER)}]{{1,6}})?"
)
# A word after '. ', unless the dot may end a title ('Mr. Kallio'; see _after_title)
_STOP = r"\. (?<![mdroMDRO][rsxfRSXF]\. )"
_AFTER_STOP = re.compile(_STOP + _TOKEN.pattern)
_AFTER_STOP_LATIN1 = re.compile(_STOP + _TOKEN_LATIN1.pattern)
_NOT_BEFORE = frozenset("_@.'’/-")
_NOT_AFTER = frozenset("_@/0123456789")
_OPENERS = " \t\u00a0\"'“”‘’«»*•·–—-("
_SENTENCE_ENDS = frozenset(".!?:;\n\r…")
# The two characters before a word first in a sentence, in the common cases ('. ' is checked for a title)
_PLAIN_BEFORE = frozenset(end + space for end in "!?;…" for space in " \n") | {".\n", "\n\n", "\r\n"}
_CUES = wordlists.HONORIFICS | wordlists.ROLES
_STRONG_CUES = wordlists.HONORIFICS | wordlists.ROLE_BASES

# verdicts
NAME, MAYBE, NO, STOP = 3, 2, 1, 0


@dataclass(frozen=True)
class _Static:
    """What a capitalised word is, wherever it stands, before the user's list is consulted.

    Cached per spelling on the lexicon, so every Scrubber sharing the lexicon shares the cache.
    """

    length: int  # of the name itself: "Priya's" -> 5, "Noora-tytär" -> 5
    fold: str  # casefolded, without a possessive or a ':lle' ending
    voikko_lemma: str | None
    lemma: str
    mid: int  # verdict in mid-sentence
    initial: int  # verdict first in a sentence
    organisation: bool  # an organisation word: no person in its run
    place: bool  # a place in an inner case ('Helsingistä'): no title makes it a person
    place_only: bool  # a place, no person reading: only a title or a role's base form makes it one


# (start, end, verdict, lemma, organisation, user's name)
_Token = tuple[int, int, int, str, bool, bool]


_JUDGED_LIMIT = 100_000  # spellings a NameRecogniser keeps judged for its fast path


def within_latin1(text: str) -> bool:
    """Whether _TOKEN_LATIN1 can stand in for _TOKEN (``isascii`` costs nothing; the encoding little)."""
    if text.isascii():
        return True
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _boundary(text: str, start: int) -> int | None:
    """Index of the sentence end before ``start`` ('.', ':' …), -1 at the start of the text, else None."""
    index = start - 1
    while index >= 0 and text[index] in _OPENERS:
        index -= 1
    if index < 0:
        return -1
    return index if text[index] in _SENTENCE_ENDS else None


def _word_before(text: str, start: int) -> str:
    """The word just before ``start``, across a comma, colon or an abbreviation's dot."""
    chunk = text[max(0, start - 28) : start].rstrip(" \u00a0\t,:")
    if chunk.endswith("."):
        chunk = chunk[:-1]
    words = chunk.rsplit(None, 1)
    word = words[-1].lstrip("(\"'“‘«").casefold() if words else ""
    return word[:-2] if word.endswith(("'s", "’s")) else word


def _first_in_sentence(text: str, start: int) -> bool:
    """Whether ``_tokens`` gives the word at ``start`` its sentence-start verdict, and no title's."""
    boundary = _boundary(text, start)
    return boundary is not None and not (
        boundary >= 0
        and (text[boundary] == ":" or text[boundary - 1] in _TITLE_ENDS)
        and _after_title(text, boundary)
    )


_DOTTED_TITLES = ("mr", "mrs", "ms", "mx", "dr", "prof")
_TITLE_ENDS = frozenset("rsxfRSXF")  # the last letter of a dotted title
# the letter before it (mr, mrs, ms, mx, dr, prof): no other character casefolds to end in one of these
_TITLE_NEXT_TO_ENDS = frozenset("mdroMDRO")


def _after_title(text: str, boundary: int) -> bool:
    """'Mother: Olga', 'Mr. Kallio': a sentence end that is really a title's colon or dot."""
    char = text[boundary]
    if char == ".":
        before = text[max(0, boundary - 5) : boundary].casefold()
        return before.endswith(_DOTTED_TITLES) and _word_before(text, boundary + 1) in _CUES
    return char == ":" and _word_before(text, boundary + 1) in _CUES


class NameRecogniser:
    def __init__(self, lexicon: Lexicon, names: NamesList) -> None:
        self.lexicon = lexicon
        self.names = names
        self._memo: dict[str, _Static] = lexicon.memo.setdefault("names", {})
        # What the fast path in ``_nobody`` knows of each spelling, shared like the memo: it does not
        # depend on the user's list, which each recogniser checks for itself (``_unlisted``).
        shared = lexicon.memo.setdefault("names-judged", {})
        self._judged: set[str] = shared.setdefault("judged", set())
        self._inert: set[str] = shared.setdefault("inert", set())  # never a name, wherever it stands
        self._quiet: set[str] = shared.setdefault("quiet", set())  # or no name first in a sentence ('We')
        self._cued: set[str] = shared.setdefault("cued", set())  # quiet, but after a role a name ('Annoin')
        self._unlisted: set[str] | None = set() if names else None  # spellings none of the user's names
        self._lowercase = names.lowercase if names else None

    def _info(self, raw: str) -> _Static:
        info = self._memo.get(raw)
        if info is None:
            info = self._describe(raw)
            if len(self._memo) > 100_000:
                self._memo.clear()
            self._memo[raw] = info
        return info

    def _judge(self, spellings: Iterable[str]) -> None:
        """Sort new spellings into inert, quiet and cued, by the rules ``_tokens`` applies to each.

        A token becomes a NAME only by being listed, by its verdict, by a title before it (only where
        the sentence-start verdict is used), or by a cue before it (only for a MAYBE that is no place).
        Every person found has a NAME token in it, so a text whose tokens cannot become NAME has nobody.
        """
        if len(self._judged) > _JUDGED_LIMIT:
            self._judged.clear()
            self._inert.clear()
            self._quiet.clear()
            self._cued.clear()
        for raw in spellings:
            if raw in self._judged:
                continue
            self._judged.add(raw)
            info = self._info(raw)
            if info.initial == info.mid:
                if info.mid <= NO or (info.mid == MAYBE and info.place):
                    self._inert.add(raw)
                    self._quiet.add(raw)
            elif info.initial < NAME:  # first in a sentence: no name, unless after a title
                self._quiet.add(raw)
                if info.initial == MAYBE and not info.place:
                    self._cued.add(raw)  # … or a role: 'asiakas. Annoin' (_word_before crosses the dot)

    def _none_listed(self, spellings: list[str]) -> bool:
        """Whether no spelling is a form of the user's names (which ``_tokens`` makes a NAME anywhere)."""
        unlisted = self._unlisted
        if unlisted is None or unlisted.issuperset(spellings):
            return True
        if len(unlisted) > _JUDGED_LIMIT:
            unlisted.clear()
        names = self.names
        for raw in spellings:
            if raw not in unlisted:
                info = self._info(raw)
                if names.forms.get(info.fold) is not None or info.voikko_lemma in names.bases:
                    return False
                unlisted.add(raw)
        return True

    def _nobody(self, text: str) -> bool:
        """True if ``find`` would find nobody, decided without the per-word loop of ``_tokens``.

        Most journal texts are like this: their only capitalised words are sentence starts ('Before',
        'Sovimme'), which are names in mid-sentence but not first, and words that are never names.
        False means only 'perhaps': ``find`` then takes the slow path.
        """
        latin1 = within_latin1(text)
        tokens = (_TOKEN_LATIN1 if latin1 else _TOKEN).findall(text)
        if not self._none_listed(tokens):
            return False
        inert = self._inert
        if not inert.issuperset(tokens):
            quiet = self._quiet
            if not quiet.issuperset(tokens):
                self._judge(tokens)
                if not quiet.issuperset(tokens):
                    return False  # a word that may be a name wherever it stands
            cued = self._cued
            # Most often every word starts the text or follows '. ': then the words after '. ' (each also
            # one of the tokens), and the first if the text starts with it, are all of them.
            if cued.isdisjoint(tokens) and len(tokens) == len(
                (_AFTER_STOP_LATIN1 if latin1 else _AFTER_STOP).findall(text)
            ) + text.startswith(tokens[0]):
                tokens = []
            find = text.find
            position = 0
            for token in tokens:
                # this token's own place: an occurrence between the last token and it would have
                # been a match of the pattern itself
                start = find(token, position)
                position = start + len(token)
                if token in inert:
                    continue
                # first in a sentence, in short for the common cases ('done. Next', not 'Mr. Next')
                before = text[start - 2 : start]
                if before == ". ":
                    plain = text[start - 3] not in _TITLE_ENDS or text[start - 4] not in _TITLE_NEXT_TO_ENDS
                else:
                    plain = before in _PLAIN_BEFORE or start == 0
                if not (plain or _first_in_sentence(text, start)):
                    return False
                if token in cued and _word_before(text, start) in _CUES:
                    return False
        lowercase = self._lowercase
        return lowercase is None or lowercase.search(text) is None or not self._with_lowercase_names(text, [])

    def _describe(self, raw: str) -> _Static:
        length = len(raw) - 2 if raw.endswith(("'s", "’s")) else len(raw)  # Priya's: the name is Priya
        head, hyphen, tail = raw[:length].partition("-")
        if hyphen and tail[:1].islower() and len(head) >= 2 and not head.isupper():
            length = len(head)  # 'Noora-tytär', 'Virtanen-niminen': the name is the first part
        bare = raw[:length].split(":", 1)[0]  # Smith:lle: Voikko knows Smith
        fold = bare.casefold()
        word = self.lexicon.word(bare) if self.lexicon.available else UNKNOWN
        guess = guess_base(fold)
        if not word.first and (fold in wordlists.GIVEN_NAMES or guess in wordlists.GIVEN_NAMES):
            word = replace(
                word, first=True, lemma=word.lemma or (fold if fold in wordlists.GIVEN_NAMES else guess)
            )
        lemma = word.lemma or name_key(fold)
        parts = fold.split("-")
        singular = fold[:-1] if fold.endswith("s") else fold  # 'Tuesdays'
        stop = (
            fold in wordlists.NOT_NAMES
            or singular in wordlists.NOT_NAMES
            or lemma in wordlists.NOT_NAMES
            or guess in wordlists.NOT_NAMES
            or any(part in wordlists.NOT_NAMES for part in parts)
            or fold in _CUES
            or (len(head) >= 2 and head.isupper())  # HUS, TE-toimisto: abbreviations
            or (hyphen and len(head) == 1)  # Y-tunnus, A-klinikka
            or len(bare) < 2
        )
        organisation = any(part in wordlists.ORGANISATION_WORDS for part in parts)
        place = word.place and (word.inessive or word.inner_case)
        if (
            not word.person
            and (word.common or not self.lexicon.available)  # 'Wiktoria' ends in -tori, but is no word
            and street_base(bare) is not None
        ):
            stop = True  # 'Liisa Virtasen Kauppakadulla 3': the street is the address's, not the name's
        if stop or organisation:
            mid = initial = STOP
        else:
            mid, initial = self._verdicts(fold, word, lemma)
        place_only = word.place and not word.person
        return _Static(length, fold, word.lemma, lemma, mid, initial, organisation, place, place_only)

    def _verdicts(self, fold: str, word: Word, lemma: str) -> tuple[int, int]:
        # -nen surnames (Virtanen); but not verbal nouns (tapaaminen) or the -nen towns
        nen = lemma.endswith("nen") and not lemma.endswith("minen") and lemma not in wordlists.NEN_PLACES
        if word.person:
            if word.inessive and (word.common or word.place):
                return NO, NO  # 'Kalliossa', 'Heikkilässä': where, not who
            if word.inner_case and word.place:
                return MAYBE, NO
            ambiguous = word.common or fold in wordlists.ENGLISH_WORDS_ALSO_NAMES
            return NAME, (MAYBE if ambiguous else NAME)
        if nen and not (word.inessive or word.inner_case):
            # first in a sentence only when the lexicon says it is no common word ('Ihminen …')
            return NAME, (NAME if self.lexicon.available and not word.common else NO)
        if word.place:
            return (NO if word.inner_case or word.inessive else MAYBE), NO
        if word.common:
            return MAYBE, NO  # 'Oskari Kuvitelma': a common word, capitalised next to a name
        if self.lexicon.available:
            return NAME, NO  # unknown to Voikko and capitalised mid-sentence: a foreign name
        return MAYBE, NO  # without a lexicon an unknown word may be anything

    def _tokens(self, text: str) -> list[_Token]:
        """Each capitalised word that may be, or block, a name."""
        tokens: list[_Token] = []
        size = len(text)
        memo = self._memo
        names = self.names if self.names else None
        for match in (_TOKEN_LATIN1 if within_latin1(text) else _TOKEN).finditer(text):
            start, end = match.span()
            if start and (text[start - 1].isalnum() or text[start - 1] in _NOT_BEFORE):
                continue  # inside a word, an email or a path: 'iPhone', 'x.Liisa@'
            if end < size and text[end] in _NOT_AFTER:
                continue
            raw = match.group()
            info = memo.get(raw)
            if info is None:
                info = self._info(raw)
            if names is not None:
                base = names.forms.get(info.fold)
                if base is None and info.voikko_lemma in names.bases:
                    base = info.voikko_lemma
                if base is not None:
                    tokens.append((start, start + info.length, NAME, base, False, True))
                    continue
            verdict = info.mid
            if info.initial != verdict:
                boundary = _boundary(text, start)
                if boundary is not None:
                    verdict = info.initial
                    if (
                        verdict < NAME
                        and boundary >= 0
                        and (text[boundary] == ":" or text[boundary - 1] in _TITLE_ENDS)
                        and _after_title(text, boundary)
                    ):
                        verdict = NAME
                    if verdict == NO:
                        continue
            if verdict == MAYBE and not info.place:
                cue = _word_before(text, start)
                if cue in _CUES and (not info.place_only or cue in _STRONG_CUES):
                    verdict = NAME  # 'äiti Sari', 'asiakas Mäkelä', 'the interpreter, Leila'
            if verdict >= MAYBE or info.organisation:
                tokens.append((start, start + info.length, verdict, info.lemma, info.organisation, False))
        return tokens

    def find(self, text: str) -> list[Found]:
        if self._nobody(text):
            return []
        tokens = self._tokens(text)
        if self.names and self.names.lowercase is not None:
            tokens = self._with_lowercase_names(text, tokens)
        found: list[Found] = []
        run: list[_Token] = []
        for token in tokens:
            if run and not self._adjacent(text, run[-1][1], token[0]):
                self._people(text, run, found)
                run = []
            run.append(token)
        if run:
            self._people(text, run, found)
        if self.names:  # every mention of a listed person is keyed by the whole listed name
            found = [self._listed(item) for item in found]
        return found

    def _listed(self, item: Found) -> Found:
        if not all(part in self.names.bases for part in item.parts):
            return item
        parts = self.names.person(item.parts)
        return item._replace(parts=parts, key=" ".join(parts))

    def _with_lowercase_names(self, text: str, tokens: list[_Token]) -> list[_Token]:
        """Add user-listed names written in lower case ('soitin liisalle'), unless a common word."""
        taken = {token[0] for token in tokens}
        extra: list[_Token] = []
        for match in self.names.lowercase.finditer(text):
            start = match.start()
            if start in taken or (start and (text[start - 1].isalnum() or text[start - 1] in _NOT_BEFORE)):
                continue
            bare = match.group().split(":", 1)[0]
            fold = bare.casefold()
            if fold not in self.names.forms:
                continue
            word = self.lexicon.word(bare) if self.lexicon.available else UNKNOWN
            if word.common:  # 'kallion laella': in lower case, the rock, not Kallio
                continue
            extra.append((match.start(), match.end(), NAME, self.names.forms[fold], False, True))
        return sorted(tokens + extra) if extra else tokens

    @staticmethod
    def _adjacent(text: str, left_end: int, right_start: int) -> bool:
        gap = text[left_end:right_start]
        if gap == " " or gap == "\u00a0":
            return True
        return (
            3 <= len(gap) <= 6
            and gap[0] == " "
            and gap[-1] == " "
            and gap.strip() in wordlists.NAME_PARTICLES  # Ludwig van Beethoven
        )

    @staticmethod
    def _people(text: str, run: list[_Token], found: list[Found]) -> None:
        """The people in a run of adjacent capitalised words."""
        if len(run) == 1:
            start, end, verdict, lemma, _, _ = run[0]
            if verdict == NAME:
                found.append(Found(PERSON, start, end, text[start:end], lemma, (lemma,)))
            return
        if any(token[4] for token in run):
            groups = [[token] for token in run if token[5]]  # 'Helsinki City Library': nobody
        else:
            groups, group = [], []
            for token in run:
                if token[2] >= MAYBE:
                    group.append(token)
                else:
                    groups.append(group)
                    group = []
            groups.append(group)
        for group in groups:
            if group and any(token[2] == NAME for token in group):
                start, end = group[0][0], group[-1][1]
                parts = tuple(token[3] for token in group)
                found.append(Found(PERSON, start, end, text[start:end], " ".join(parts), parts))
