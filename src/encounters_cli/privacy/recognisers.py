"""Recognisers that find identifiers in free text, and a Scrubber that replaces them with placeholders.

===========  ============================================================  ===============================
kind         what                                                          how it is confirmed
===========  ============================================================  ===============================
PERSON       first names and surnames, Finnish and international, in any   the Voikko lexicon, the user's
             inflected form (Virtasen, Mikolle, Okaforille)                names list, titles and roles
ADDRESS      street, house number, flat, postal code and town              street word and house number
HETU         Finnish personal identity code, 1800s to 2000s, with the      real date, mod-31 check
             2023 century signs and 9xx temporary codes                    character
IBAN         international bank account number, spaced or not             country length, mod-97
BUSINESS-ID  Finnish business id (Y-tunnus 1234567-8, VAT FI12345678)      mod-11 check digit
EMAIL        ``name@example.org``                                          pattern
URL          ``https://…``, ``www.…``, or a domain with a path             pattern
PHONE        Finnish and international phone numbers                       digit shape, context, and
                                                                           ``phonenumbers`` (region FI)
PLATE        Finnish vehicle plates (ABC-123; AB-12 near a word about      shape, context
             vehicles)
===========  ============================================================  ===============================

Each recogniser has its own module (names.py, addresses.py, codes.py, phones.py, web.py); this one
runs them and merges what they find. Overlapping candidates are replaced together, as one span,
under the strongest one's placeholder: checksum-validated kinds (HETU, IBAN, BUSINESS-ID) first,
then the longer span. A HETU whose digits also read as a phone number becomes ``[HETU-1]``; a name
inside an address or an email goes with the address or the email.

Hard negatives stay as written: dates, times, case numbers (Dnro 123/2026), amounts, a bare service
domain (kela.fi), value and service names (Luottamus, Kela, HUS), place names alone (Helsinki), a
postal code and town alone, weekdays and months, capitalised sentence starts. Measured recall and
precision per kind are in docs/privacy.md.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from encounters_cli.privacy.addresses import address_at
from encounters_cli.privacy.codes import (
    business_id_at,
    business_id_is_valid,
    hetu_at,
    hetu_is_valid,
    iban_at,
    iban_is_valid,
    plate_at,
)
from encounters_cli.privacy.found import (
    ADDRESS,
    BUSINESS_ID,
    CHECKSUM_KINDS,
    EMAIL,
    HETU,
    IBAN,
    KINDS,
    PERSON,
    PHONE,
    PLATE,
    URL,
    Found,
)
from encounters_cli.privacy.lexicon import Lexicon, default_lexicon
from encounters_cli.privacy.names import NameRecogniser, NamesList, within_latin1
from encounters_cli.privacy.phones import phone_at
from encounters_cli.privacy.web import emails, urls

__all__ = [
    "ADDRESS",
    "BUSINESS_ID",
    "EMAIL",
    "HETU",
    "IBAN",
    "KINDS",
    "PERSON",
    "PHONE",
    "PLATE",
    "URL",
    "Found",
    "Recognisers",
    "Scrubber",
    "business_id_is_valid",
    "find_identifiers",
    "hetu_is_valid",
    "iban_is_valid",
]

_DIGIT = re.compile(r"\d")
_DIGITS = re.compile(r"\d+")  # no look-arounds: they make the scan five times slower
_HETU_SIGNS = frozenset("-+ABCDEFUVWXYabcdefuvwxy")
_SPACES = frozenset(" \u00a0")
_TIME_OR_DATE = frozenset(".:,/")


def has_digit(text: str) -> bool:
    """``_DIGIT.search(text) is not None``, several times faster: C-level ``in`` tests for 0-9, and the
    regex only for text beyond Latin-1 (no other Latin-1 character is a decimal digit)."""
    if (
        "0" in text or "1" in text or "2" in text or "3" in text or "4" in text
        or "5" in text or "6" in text or "7" in text or "8" in text or "9" in text
    ):  # fmt: skip
        return True
    return not within_latin1(text) and _DIGIT.search(text) is not None


def _numbers(text: str) -> list[Found]:
    """Identifiers with digits, found from each run of digits by the shape around it.

    One scan for digit runs, then a check only where a kind could start: six digits and a century
    sign (HETU), two letters before (IBAN), seven digits and a hyphen or 'FI' before eight (business
    id), a leading 0, '+' or '(' (phone), a street word before or a capitalised word after (address),
    letters and a hyphen before (plate). Most runs (dates, times, counts) fail every test at once.
    """
    found: list[Found] = []
    size = len(text)
    taken = -1  # runs inside something already found are skipped
    if not has_digit(text):
        return found
    for run in _DIGITS.finditer(text):
        start, end = run.span()
        if start < taken:
            continue
        before = text[start - 1] if start else ""
        after = text[end] if end < size else ""
        if (before in _TIME_OR_DATE and start >= 2 and text[start - 2].isdigit()) or (
            after in _TIME_OR_DATE and text[end + 1 : end + 2].isdigit()
        ):
            continue  # a part of a date, time, decimal or case number: '3.2.2026', '9:00', '123/2026'
        length = end - start
        item: Found | None = None
        if length == 6 and after in _HETU_SIGNS:
            item = hetu_at(text, start)
        elif length == 7 and after == "-":
            item = business_id_at(text, start)
        if item is None and before.isalpha() and start >= 2:
            pair = text[start - 2 : start]
            if pair.isascii() and pair.isalpha():
                item = iban_at(text, start - 2)
                if item is None and length == 8 and pair == "FI":
                    item = business_id_at(text, start - 2)
        elif item is None and before == " " and length == 8 and text[start - 3 : start] == "FI ":
            item = business_id_at(text, start - 3)
        if item is None and before in ("+", "("):
            item = phone_at(text, start - 1)  # '+358 40 …', '(09) 123 4567'
        if item is None and text[start] == "0":
            item = phone_at(text, start)
        if item is None and length <= 5 and (before in _SPACES or not before.isalnum()):
            item = address_at(text, start, end)
        if item is None and length <= 3 and before in ("-", " ") and start >= 3 and text[start - 2].isalpha():
            letters = start - 1
            while letters > 0 and text[letters - 1].isalpha() and start - letters <= 4:
                letters -= 1
            if 2 <= start - 1 - letters <= 3 and not (letters and text[letters - 1].isalnum()):
                item = plate_at(text, letters)
        if item is not None:
            found.append(item)
            taken = item.end
    return found


def _strongest(cluster: list[Found]) -> Found:
    return min(
        cluster,
        key=lambda item: (
            item.kind not in CHECKSUM_KINDS,
            -(item.end - item.start),
            item.start,
            KINDS.index(item.kind),
        ),
    )


def merge(text: str, candidates: list[Found]) -> list[Found]:
    """Overlapping candidates become one span under the strongest one's kind and key."""
    if len(candidates) < 2:
        return candidates
    candidates.sort(key=lambda item: (item.start, -item.end))
    merged: list[Found] = []
    cluster: list[Found] = []
    cluster_end = -1
    for candidate in [*candidates, None]:
        if cluster and (candidate is None or candidate.start >= cluster_end):
            if len(cluster) == 1:
                merged.append(cluster[0])
            else:
                winner = _strongest(cluster)
                start = cluster[0].start
                merged.append(
                    Found(winner.kind, start, cluster_end, text[start:cluster_end], winner.key, winner.parts)
                )
            cluster, cluster_end = [], -1
        if candidate is not None:
            cluster.append(candidate)
            cluster_end = max(cluster_end, candidate.end)
    return merged


class Recognisers:
    """Every recogniser, set up once: the lexicon, and the user's names to always find."""

    def __init__(self, names: Iterable[str] = (), lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon if lexicon is not None else default_lexicon()
        self.names = NamesList(names)
        self._names = NameRecogniser(self.lexicon, self.names)

    def find(self, text: str) -> list[Found]:
        """Every identifier in ``text``, in order, overlapping candidates merged.

        Cheap tests first: most answers hold no digit, no '@' and no '/', and then only the name
        recogniser runs.
        """
        candidates = self._names.find(text)
        candidates += _numbers(text)
        if "@" in text:
            candidates += emails(text)
        if "/" in text or (
            ("ww." in text or "WW." in text) and ("www." in text or "WWW." in text or "Www." in text)
        ):
            candidates += urls(text)
        return merge(text, candidates) if len(candidates) > 1 else candidates


_plain: Recognisers | None = None


def find_identifiers(text: str) -> list[Found]:
    """Every identifier in ``text`` (no user names; the lexicon if this computer has it)."""
    global _plain
    if _plain is None:
        _plain = Recognisers()
    return _plain.find(text)


class _People:
    """Numbers people so that every mention of one person gets the same number.

    A mention is the base forms of its name words ('Liisa Virtasen' -> liisa, virtanen). In a
    mention of two or more words the last is the surname, the others first names. A mention joins
    the first person it shares a name with, unless they disagree: 'Liisa Virtanen' is #1;
    'Virtasen', 'Virtanen' and 'Liisa' are #1 too; 'Mikko Virtanen' is #2 (another first name);
    then 'Mikko' is #2 and 'Virtanen' alone stays #1, the first Virtanen seen.
    """

    def __init__(self) -> None:
        self.firsts: list[set[str]] = []  # per person (number - 1)
        self.lasts: list[set[str]] = []
        self.by_name: dict[str, list[int]] = {}  # name word -> the people it was seen with, in order
        self.mentions: dict[tuple[str, ...], int] = {}

    def __len__(self) -> int:
        return len(self.firsts)

    def number(self, parts: tuple[str, ...]) -> int:
        number = self.mentions.get(parts)
        if number is None:
            number = self._match(parts)
            self.mentions[parts] = number
        return number

    def _match(self, parts: tuple[str, ...]) -> int:
        if len(parts) == 1:
            seen = self.by_name.get(parts[0])
            return seen[0] if seen else self._new(set(), set(), parts)
        given, surname = set(parts[:-1]), parts[-1]
        candidates = sorted({number for name in parts for number in self.by_name.get(name, ())})
        for number in candidates:
            firsts, lasts = self.firsts[number - 1], self.lasts[number - 1]
            if (firsts and not given & firsts) or (lasts and surname not in lasts):
                continue  # another first name, or another surname: another person
            firsts |= given
            lasts.add(surname)
            self._index(number, parts)
            return number
        return self._new(given, {surname}, parts)

    def _new(self, firsts: set[str], lasts: set[str], parts: tuple[str, ...]) -> int:
        self.firsts.append(firsts)
        self.lasts.append(lasts)
        self._index(len(self.firsts), parts)
        return len(self.firsts)

    def _index(self, number: int, parts: tuple[str, ...]) -> None:
        for name in parts:
            seen = self.by_name.setdefault(name, [])
            if number not in seen:
                seen.append(number)


class Scrubber:
    """Replaces identifiers with typed placeholders, numbered per kind in order of first appearance.

    Use one Scrubber for one document (a report, an export): the same email is ``[EMAIL-1]`` in
    every text passed through it, another email is ``[EMAIL-2]``; a person is one ``[PERSON-n]``
    however their name is inflected or shortened (see ``_People``). The mapping is kept in memory
    only and never written anywhere.

    ``names`` are the user's always-scrub names; ``lexicon`` defaults to Voikko when installed.
    """

    def __init__(
        self,
        names: Iterable[str] = (),
        *,
        lexicon: Lexicon | None = None,
        recognisers: Recognisers | None = None,
    ) -> None:
        self.recognisers = recognisers or Recognisers(names, lexicon)
        self._numbers: dict[tuple[str, str], int] = {}
        self._last: Counter[str] = Counter()
        self._people = _People()
        self.replaced: Counter[str] = Counter()  # occurrences replaced, per kind

    def placeholder(self, found: Found) -> str:
        if found.kind == PERSON and found.parts:
            number = self._people.number(found.parts)
            self._last[PERSON] = len(self._people)
            return f"[PERSON-{number}]"
        ident = (found.kind, found.key)
        if ident not in self._numbers:
            self._last[found.kind] += 1
            self._numbers[ident] = self._last[found.kind]
        return f"[{found.kind}-{self._numbers[ident]}]"

    def find(self, text: str) -> list[Found]:
        return self.recognisers.find(text)

    def scrub(self, text: str) -> str:
        found = self.recognisers.find(text)
        return self.replace(text, found) if found else text

    def replace(self, text: str, found: list[Found]) -> str:
        """``text`` with each of ``found`` (from ``find``) replaced by its placeholder."""
        parts: list[str] = []
        position = 0
        for item in found:
            parts += [text[position : item.start], self.placeholder(item)]
            self.replaced[item.kind] += 1
            position = item.end
        parts.append(text[position:])
        return "".join(parts)

    @property
    def counts(self) -> dict[str, int]:
        """Distinct identifiers replaced so far, per kind (never the identifiers themselves)."""
        return dict(self._last)
