"""Recognisers that find identifiers in free text, and a Scrubber that replaces them with placeholders.

The first set (stdlib only, no model):

=======  =====================================================================  ==========================
kind     what                                                                   how it is confirmed
=======  =====================================================================  ==========================
HETU     Finnish personal identity code, 1800s to 2000s, with the 2023 century   real date, mod-31 check
         signs (``+ - Y X W V U`` and ``A B C D E F``) and 9xx temporary codes   character
IBAN     international bank account number, spaced or not                       country length, mod-97
EMAIL    ``name@example.org``                                                   pattern
URL      ``https://…``, ``www.…``, or a domain with a path (``example.org/x``)     pattern
PHONE    Finnish national forms (040 123 4567, 09-123 4567, (09) 123 4567) and  digit counts and context
         international ones (+358 40 1234567, 00358 …, +44 20 7946 0958)
=======  =====================================================================  ==========================

**Not found here: person names**, nor street addresses, business ids and vehicle plates. Finnish
names inflect (Virtasen, Mikolle) and no pattern finds them reliably; a later issue adds them with a
lexicon and the user's own list. Until then, text passed through a Scrubber can still name people,
and whatever shows scrubbed text must say so.

Overlapping candidates are replaced together, as one span, under the strongest one's placeholder:
checksum-validated kinds (HETU, IBAN) first, then the longer span. A HETU whose digits also read as
a phone number becomes ``[HETU-1]``, and a phone number glued to a URL leaves no half behind.

Hard negatives stay as written: dates (27.11.2026, 2026-11-27, 02-03-2026), times (14.30,
09:00–10:00), plain case numbers (Dnro 123/2026, case 2026-00123, asianumero 0123456), amounts, and
a bare service domain without a path (kela.fi).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

HETU = "HETU"
IBAN = "IBAN"
EMAIL = "EMAIL"
URL = "URL"
PHONE = "PHONE"
KINDS = (HETU, IBAN, EMAIL, URL, PHONE)  # also the order of preference between equals
CHECKSUM_KINDS = frozenset({HETU, IBAN})


@dataclass(frozen=True)
class Found:
    """One identifier in a text: its kind, where it is, and a key shared by its other spellings."""

    kind: str
    start: int
    end: int
    text: str
    key: str  # normalised: "040 123 4567" and "+358 40 1234567" have the same key


# --- HETU -------------------------------------------------------------------------------------

_CENTURIES = {"+": 1800, **dict.fromkeys("-YXWVU", 1900), **dict.fromkeys("ABCDEF", 2000)}
_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_HETU_SHAPE = re.compile(r"(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])")
_HETU = re.compile(r"(?<!\w)\d{6}[-+A-FU-Y]\d{3}[0-9A-Y](?!\w)", re.IGNORECASE)


def hetu_is_valid(code: str) -> bool:
    """A Finnish personal identity code with a real date, a used individual number and its check."""
    match = _HETU_SHAPE.fullmatch(code.strip().upper())
    if not match:
        return False
    day, month, year, sign, individual, check = match.groups()
    try:
        date(_CENTURIES[sign] + int(year), int(month), int(day))
    except ValueError:
        return False
    if int(individual) < 2:  # 000 and 001 are never given; 900-999 are temporary codes
        return False
    return _HETU_CHECK[int(day + month + year + individual) % 31] == check


def _hetus(text: str) -> list[Found]:
    return [
        Found(HETU, match.start(), match.end(), match.group(), match.group().upper())
        for match in _HETU.finditer(text)
        if hetu_is_valid(match.group())
    ]


# --- IBAN -------------------------------------------------------------------------------------

# Lengths from the IBAN registry; a country not listed here is not recognised.
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AX": 18, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22,
    "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23,
    "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
    "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30,
    "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
    "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip
_IBAN_START = re.compile(r"(?<![^\W_])[A-Za-z]{2}\d{2}")
_SPACES = " \u00a0\u202f"


def iban_is_valid(iban: str) -> bool:
    compact = re.sub(r"\s", "", iban).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", compact):
        return False
    if IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def _iban_end(text: str, start: int) -> int | None:
    """Where the IBAN starting at ``start`` ends: exactly its country's length, single spaces allowed."""
    length = IBAN_LENGTHS.get(text[start : start + 2].upper())
    if length is None:
        return None
    taken, index, end = 0, start, start
    while index < len(text) and taken < length:
        char = text[index]
        if char.isascii() and char.isalnum():
            taken += 1
            index += 1
            end = index
        elif (
            char in _SPACES
            and index + 1 < len(text)
            and text[index + 1].isascii()
            and text[index + 1].isalnum()
        ):
            index += 1
        else:
            break
    if taken != length or (end < len(text) and text[end].isalnum()):
        return None
    return end if iban_is_valid(text[start:end]) else None


def _ibans(text: str) -> list[Found]:
    found = []
    for match in _IBAN_START.finditer(text):
        end = _iban_end(text, match.start())
        if end is not None:
            raw = text[match.start() : end]
            found.append(Found(IBAN, match.start(), end, raw, re.sub(r"\s", "", raw).upper()))
    return found


# --- EMAIL and URL ----------------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}(?![\w-])")
_URL = re.compile(
    r"(?<![\w@/.-])(?:(?:https?|ftp)://|www\.)[^\s<>\"'`]+"
    # a bare domain counts only with a path: 'kela.fi' names a service, 'example.org/u/123' a page
    r"|(?<![\w@/.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}/[^\s<>\"'`]*",
    re.IGNORECASE,
)
_URL_TRAILING = ".,;:!?'\")]}»”’"


def _trim_url(url: str) -> str:
    """Leave sentence punctuation and an unmatched closing bracket outside the URL."""
    while url and url[-1] in _URL_TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def _emails(text: str) -> list[Found]:
    return [
        Found(EMAIL, match.start(), match.end(), match.group(), match.group().casefold())
        for match in _EMAIL.finditer(text)
    ]


def _urls(text: str) -> list[Found]:
    found = []
    for match in _URL.finditer(text):
        url = _trim_url(match.group())
        if "." not in url:
            continue
        key = re.sub(r"^(?:(?:https?|ftp)://)?(?:www\.)?", "", url.casefold()).rstrip("/")
        found.append(Found(URL, match.start(), match.start() + len(url), url, key))
    return found


# --- PHONE ------------------------------------------------------------------------------------

_SPACE = "[ \u00a0\u202f]"
_GAP = rf"(?:{_SPACE}?[-\u2010\u2011\u2013]{_SPACE}?|{_SPACE})"
_PAREN = r"\(\d{1,4}\)"
# A run of digit groups; digit counts, dates and context are judged in Python (see _phone).
_PHONE_RUN = re.compile(
    r"(?<![\w+/\-\u2013])(?<!\d[.,:])"  # not inside a word, a number, a path, a range or a time
    rf"(?:\+|{_PAREN}{_SPACE}?)?\d+(?:(?:{_GAP}|{_SPACE}?{_PAREN}{_SPACE}?)\d+)*"
)
_DIGIT_GROUP = re.compile(r"\(\d+\)|\d+")
_DATE_SHAPE = re.compile(r"(\d{1,2})[-/\u2013 ](\d{1,2})[-/\u2013 ](?:\d{4}|\d{2})")
# Numbers right after these words are case, customer or invoice numbers, not phone numbers.
_CASE_WORDS = frozenset(
    {
        "dnro", "dno", "diaarinumero", "diaarinro", "asianumero", "asianro", "asiakasnumero",
        "asiakasnro", "case", "ref", "reference", "viite", "viitenumero", "viitenro", "ticket",
        "tiketti", "lasku", "laskunumero", "invoice", "order", "tilaus", "tilausnumero",
        "päätösnumero",
    }
)  # fmt: skip
_WORD_BEFORE = re.compile(r"([^\W\d_]+)[\s.:#]*$")
NATIONAL_DIGITS = (7, 11)  # with the leading 0: 09 12345 … 0400 123 4567
INTERNATIONAL_DIGITS = (8, 15)  # E.164 at most 15, country code included


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _phone(text: str, match: re.Match[str]) -> Found | None:
    run, start = match.group(), match.start()
    international = run.startswith(("+", "00"))
    if not international and not run.startswith(("0", "(0")):
        return None
    low, high = INTERNATIONAL_DIGITS if international else NATIONAL_DIGITS
    skip = 2 if run.startswith("00") else 0
    end, count = 0, 0
    for group in _DIGIT_GROUP.finditer(run):  # a longer run ends where the number's digits run out
        digits = len(_digits(run[: group.end()])) - skip
        if digits > high:
            break
        end, count = group.end(), digits
    number = run[:end]
    if count < low or _DATE_SHAPE.fullmatch(number):
        return None
    if not international and number.isdigit() and count < 9:  # an unspaced short number is an id
        return None
    after = text[start + end : start + end + 2]
    if (after[:1].isalnum()) or re.match(r"[.,:/]\d", after):  # 0401234567x, 09 123 45.5, 0123/26
        return None
    before = text[max(0, start - 40) : start]
    word = _WORD_BEFORE.search(before)
    if before.rstrip().endswith("#") or (word and word.group(1).casefold() in _CASE_WORDS):
        return None
    digits = _digits(re.sub(r"\(0\)", "", number) if international else number)[skip:]
    key = digits  # Finnish numbers are keyed in their national form, others with their country code
    if international:
        key = "0" + digits[3:] if digits.startswith("358") else "+" + digits
    return Found(PHONE, start, start + end, number, key)


def _phones(text: str) -> list[Found]:
    found = []
    position = 0
    while True:
        match = _PHONE_RUN.search(text, position)
        if match is None:
            return found
        phone = _phone(text, match)
        if phone is None:  # '2026 040 123 4567': the number may start at the run's next group
            first = _DIGIT_GROUP.search(match.group())
            position = match.start() + (first.end() if first else 1)
        else:
            found.append(phone)
            position = phone.end  # the rest of a trimmed run may hold the next number


# --- finding and replacing --------------------------------------------------------------------


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


def find_identifiers(text: str) -> list[Found]:
    """Every identifier in ``text``, in order, overlapping candidates merged (see the module docstring)."""
    candidates = [*_hetus(text), *_ibans(text), *_emails(text), *_urls(text), *_phones(text)]
    candidates.sort(key=lambda item: (item.start, -item.end))
    merged: list[Found] = []
    cluster: list[Found] = []
    cluster_end = -1
    for candidate in [*candidates, None]:
        if cluster and (candidate is None or candidate.start >= cluster_end):
            winner = _strongest(cluster)
            start = cluster[0].start
            merged.append(Found(winner.kind, start, cluster_end, text[start:cluster_end], winner.key))
            cluster, cluster_end = [], -1
        if candidate is not None:
            cluster.append(candidate)
            cluster_end = max(cluster_end, candidate.end)
    return merged


class Scrubber:
    """Replaces identifiers with typed placeholders, numbered per kind in order of first appearance.

    Use one Scrubber for one document (a report, an export): the same email is ``[EMAIL-1]`` in
    every text passed through it, another email is ``[EMAIL-2]``. The mapping is kept in memory only
    and never written anywhere.
    """

    def __init__(self) -> None:
        self._numbers: dict[tuple[str, str], int] = {}
        self._last: Counter[str] = Counter()
        self.replaced: Counter[str] = Counter()  # occurrences replaced, per kind

    def placeholder(self, found: Found) -> str:
        ident = (found.kind, found.key)
        if ident not in self._numbers:
            self._last[found.kind] += 1
            self._numbers[ident] = self._last[found.kind]
        return f"[{found.kind}-{self._numbers[ident]}]"

    def scrub(self, text: str) -> str:
        parts: list[str] = []
        position = 0
        for found in find_identifiers(text):
            parts += [text[position : found.start], self.placeholder(found)]
            self.replaced[found.kind] += 1
            position = found.end
        parts.append(text[position:])
        return "".join(parts)

    @property
    def counts(self) -> dict[str, int]:
        """Distinct identifiers replaced so far, per kind (never the identifiers themselves)."""
        return dict(self._last)
