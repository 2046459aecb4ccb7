"""Street addresses: a street name with a house number, and what follows it in the same address.

Finnish and Swedish streets end in a street word (Kauppakatu, Mannerheimintie, Koivukuja,
Mannerheimvägen), also inflected ('Mannerheimintiellä 5', 'Kauppakadulla 3 B'); a street word on
its own takes the capitalised words before it ('Sörnäisten rantatie 27', 'Kustaa Vaasan tie 4').
English addresses put the number first ('12 Example Street', 'Flat 3, 221B Baker Street').

One span covers the street, the house number, the staircase and flat ('A 12', 'B 3', 'as. 5',
'bst 4'), and a postal code with its town right after it ('…, 00100 Helsinki'). Not addresses: a
street without a number (it names no home), a postal code and town alone ('00100 Helsinki'), a
road number ('valtatie 4').
"""

from __future__ import annotations

import re

from encounters_cli.privacy.found import ADDRESS, Found
from encounters_cli.privacy.wordlists import words

# street word -> the stems its case forms are built on (katu: kadulla, kadun; mäki: mäellä)
_STREET_WORDS = {
    "katu": ("katu", "kadu"),
    "tie": ("tie",),
    "kuja": ("kuja",),
    "polku": ("polku", "polu"),
    "raitti": ("raitti", "raiti"),
    "kaari": ("kaari", "kaare"),
    "väylä": ("väylä",),
    "tori": ("tori",),
    "puistikko": ("puistikko", "puistiko"),
    "rinne": ("rinne", "rintee"),
    "mäki": ("mäki", "mäe", "mäke"),
    "ranta": ("ranta", "ranna"),
    "portti": ("portti", "porti"),
    "aukio": ("aukio",),
    "kaarre": ("kaarre", "kaartee"),
    "tanhua": ("tanhua",),
    "reitti": ("reitti", "reiti"),
    "ahde": ("ahde", "ahtee"),
    "penger": ("penger", "penkere"),
    "linja": ("linja",),
    "kierto": ("kierto", "kierro"),
    "lenkki": ("lenkki", "lenki"),
    "kumpu": ("kumpu", "kummu"),
    "bulevardi": ("bulevardi",),
    "esplanadi": ("esplanadi",),
}
_CASE_ENDINGS = (
    "", "n", "a", "ä", "ta", "tä", "lla", "llä", "lle", "lta", "ltä", "ssa", "ssä", "sta", "stä",
    "ksi", "na", "nä", "han", "hen", "seen", "on", "un", "yn", "en", "in", "an", "än", "lla", "kin",
)  # fmt: skip
_SWEDISH = (
    "gatan", "gata", "vägen", "väg", "gränden", "gränd", "stigen", "stig", "backen", "backe",
    "gången", "torget", "torg", "allén", "allé", "kajen", "kaj", "stranden", "strand", "planen",
    "leden", "bågen", "liden", "slingan", "esplanaden",
)  # fmt: skip


def _street_forms() -> dict[str, str]:
    """Every ending a street word can take -> its base form ('kadulla' -> 'katu')."""
    forms: dict[str, str] = {word: word for word in _SWEDISH}
    for base, stems in _STREET_WORDS.items():
        for stem in stems:
            for ending in _CASE_ENDINGS:
                forms.setdefault(stem + ending, base)
    return forms


_FORMS = _street_forms()
_LONGEST = max(map(len, _FORMS))
_ENDS = frozenset(form[-2:] for form in _FORMS)  # a quick 'no' for most words before a number
# Numbered roads, not streets.
_ROADS = frozenset({"valtatie", "kantatie", "seututie", "maantie", "moottoritie", "kehätie", "yhdystie"})
_QUALIFIERS = words(
    "pohjoinen eteläinen itäinen läntinen vanha uusi iso pikku ylä ala stora lilla norra södra östra "
    "västra gamla nya"
)

_UNIT_AFTER = (
    r"(?![ \u00a0]?(?:%|€|e\b|km\b|m\b|min|kpl|euro|eur\b|h\b|kert|vuot|minuut|tunt|päiv|viik|kk\b|°))"
)
_HOUSE = re.compile(
    r"\d{1,4}(?![\d]|[.,:/]\d)" + _UNIT_AFTER + r"(?:[a-h](?!\w))?(?:[ ]?[-–][ ]?\d{1,4}[a-h]?(?!\w))?"
    # staircase and flat: 'A 12', 'B3', 'b 4', 'as. 5', 'asunto 5', 'bst 4', 'lgh 1102', or a lone 'B'
    r"(?:,?[ \u00a0]+(?:[A-Ha-h][ ]?\d{1,3}|as\.?[ ]?\d{1,3}|asunto[ ]\d{1,3}|bst\.?[ ]?\d{1,3}"
    r"|lgh\.?[ ]?\d{1,4}|[A-H])(?!\w))?"
)
_POSTAL = re.compile(r",?[ \u00a0]+(?:FI-)?\d{5}[ \u00a0]+[A-ZÅÄÖ][^\W\d_]+(?:-[^\W\d_]+)?")

_ENGLISH = re.compile(
    r"\d{1,5}[A-Za-z]?,?[ ](?:[A-Z][\w'’-]*[ ]){1,3}"
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Close|Way|Court|Ct|Place|Square|Crescent|"
    r"Terrace|Gardens|Grove|Boulevard|Blvd|Row|Walk|Mews|Parade|Hill)(?![\w-])"
    # a UK postcode after the town: ', Leeds LS1 4AP'
    r"(?:,?[ ][A-Z][a-z]+(?:[ ][A-Z][a-z]+)?,?[ ][A-Z]{1,2}\d[A-Z\d]?[ ]?\d[A-Z]{2}(?!\w))?"
)


def street_base(word: str) -> str | None:
    """'Kauppakadulla' -> 'kauppakatu'; None when ``word`` does not end in a street word."""
    folded = word.casefold()
    if folded[-2:] not in _ENDS:
        return None
    for length in range(min(len(folded), _LONGEST), 2, -1):
        base = _FORMS.get(folded[-length:])
        if base is not None:
            return folded[:-length] + base
    return None


def _sentence_start(text: str, index: int) -> bool:
    before = text[max(0, index - 8) : index].rstrip()
    return index == 0 or (not before and index <= 8) or (bool(before) and before[-1] in ".!?:;\n")


def _capitalised_before(text: str, start: int) -> int | None:
    """Where the capitalised word right before ``start`` (across spaces only) starts."""
    chunk = text[max(0, start - 40) : start]
    if not chunk or chunk[-1] not in " \u00a0":
        return None
    stripped = chunk.rstrip(" \u00a0")
    words = stripped.rsplit(None, 1)
    if not words or not words[-1][:1].isupper() or not words[-1].isalpha():
        return None
    return start - (len(chunk) - len(stripped)) - len(words[-1])


def _with_qualifier(text: str, start: int) -> int:
    """'Itäinen Papinkatu': a qualifier before a capitalised street name belongs to it."""
    before = _capitalised_before(text, start)
    if before is not None and text[before:start].strip().casefold() in _QUALIFIERS:
        return before
    return start


def _with_name_before(text: str, start: int) -> int | None:
    """'Sörnäisten rantatie', 'Kustaa Vaasan tie': up to two capitalised words make the name."""
    first = _capitalised_before(text, start)
    if first is None:
        return None
    second = _capitalised_before(text, first)
    if second is not None and not _sentence_start(text, second):
        return second  # but not 'Asun' in 'Asun Sörnäisten rantatie 27'
    return first


_FLAT_BEFORE = re.compile(r"(?:Flat|Apartment|Apt|Unit|Suite)\.?[ ]\d{1,4}[A-Za-z]?,?[ ]$")


def address_at(text: str, start: int, end: int) -> Found | None:
    """The address around the house number ``text[start:end]`` (a run of digits), if any.

    Cheap tests first: the two letters before the space must end a street word, or a capitalised
    word must follow the number.
    """
    if start >= 3 and text[start - 1] in " \u00a0" and text[start - 3 : start - 1].casefold() in _ENDS:
        found = _street_before(text, start)
        if found is not None:
            return found
    follows = text[end : end + 3]
    if (follows[:1] == " " and follows[1:2].isupper()) or (
        follows[:1].isalpha() and follows[1:2] in (" ", ",")
    ):
        return _english_at(text, start)
    return None


def _street_before(text: str, number: int) -> Found | None:
    """'Kauppakadulla 3 B': a street word right before the number."""
    chunk = text[max(0, number - 48) : number].rstrip()
    words = chunk.rsplit(None, 1)
    if not words:
        return None
    word = words[-1].lstrip("(\"'“‘«")
    if not word[:1].isalpha():
        return None
    base = street_base(word)
    if base is None or base in _ROADS:
        return None
    word_start = number - (len(text[max(0, number - 48) : number]) - len(chunk)) - len(word)
    start: int | None = word_start
    if word[0].isupper():
        start = _with_qualifier(text, word_start)
    else:
        start = _with_name_before(text, word_start)  # 'Sörnäisten rantatie', never 'tie' alone
        if start is None:
            return None
    house = _HOUSE.match(text, number)
    if house is None:
        return None
    end = house.end()
    postal = _POSTAL.match(text, end)
    if postal is not None:
        end = postal.end()
    street = " ".join([*text[start:word_start].split(), base])
    key = f"{street} {' '.join(text[number : house.end()].split())}"
    return Found(ADDRESS, start, end, text[start:end], key.casefold())


_ENGLISH_START = re.compile(r"\d{1,5}[A-Za-z]?,?[ ][A-Z]")


def _english_at(text: str, number: int) -> Found | None:
    """'12 Example Street', 'Flat 3, 12 Example Street, 00100 Helsinki'."""
    if number and (text[number - 1].isalnum() or text[number - 1] == "-"):
        return None
    if not _ENGLISH_START.match(text, number):
        return None
    match = _ENGLISH.match(text, number)
    if match is None:
        return None
    start, end = number, match.end()
    flat = _FLAT_BEFORE.search(text, max(0, number - 20), number)
    if flat is not None:
        start = flat.start()
    postal = _POSTAL.match(text, end)
    if postal is not None:
        end = postal.end()
    return Found(ADDRESS, start, end, text[start:end], " ".join(text[start : match.end()].casefold().split()))
