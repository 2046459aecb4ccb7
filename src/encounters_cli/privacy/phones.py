"""Phone numbers: Finnish national forms (040 123 4567, 09-123 4567, (09) 123 4567) and international
ones (+358 40 1234567, 00358 …, +44 20 7946 0958).

Two steps. A hand-written scanner finds digit runs shaped like a number and drops what only looks like
one: dates, times, ranges, case and customer numbers (a number right after 'Dnro', 'asiakasnumero',
'#' …), short unspaced ids. The ``phonenumbers`` package (Google's libphonenumber metadata, region FI)
then decides whether the digits are a number that can exist, and gives the key: E.164, so
'040 123 4567' and '+358 40 1234567' are one number.

Why not ``phonenumbers.PhoneNumberMatcher`` on the whole text: it costs about 1.4 ms for a short
paragraph, fifty times the budget for scrubbing one answer, and it takes '02-03-2026' and customer
numbers for phone numbers. Parsing one candidate costs about 150 µs, and is cached.
"""

from __future__ import annotations

import re
from functools import lru_cache

from encounters_cli.privacy.found import PHONE, Found

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
        "päätösnumero", "customer",
    }
)  # fmt: skip
_NUMBER_WORDS = frozenset({"number", "no", "nro", "numero", "num", "id"})  # 'customer number 040…'
_BUSINESS_ID_SHAPE = re.compile(r"\d{7}-\d")
NATIONAL_DIGITS = (7, 11)  # with the leading 0: 09 12345 … 0400 123 4567
INTERNATIONAL_DIGITS = (8, 15)  # E.164 at most 15, country code included


_NOT_DIGIT = re.compile(r"\D")
_NUMBER_GOES_ON = re.compile(r"[.,:/]\d")
_TRUNK_ZERO = re.compile(r"\(0\)")


def _digits(text: str) -> str:
    return _NOT_DIGIT.sub("", text)


@lru_cache(maxsize=4096)
def _checked(number: str, international: bool) -> str | None:
    """The number in E.164 if it can exist (region FI for national forms); None if it cannot."""
    try:
        import phonenumbers
    except ImportError:  # pragma: no cover - a declared dependency; the scanner alone still works
        return _fallback_key(number, international)
    try:
        parsed = phonenumbers.parse(number, "FI")
    except phonenumbers.NumberParseException:
        return None
    # A foreign number we have no exact plan for (fictional +1 555 numbers) still counts when it is
    # possible: it was written with its country code, as a phone number.
    if phonenumbers.is_valid_number(parsed) or (international and phonenumbers.is_possible_number(parsed)):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return None


def _fallback_key(number: str, international: bool) -> str:
    digits = _digits(_TRUNK_ZERO.sub("", number) if international else number)
    if not international:
        return "+358" + digits[1:]
    digits = digits[2:] if number.lstrip().startswith("00") else digits
    return "+" + digits


def _phone(text: str, match: re.Match[str]) -> Found | None:
    run, start = match.group(), match.start()
    international = run[0] == "+" or run.startswith("00")
    if not international and not run.startswith(("0", "(0")):
        return None
    low, high = INTERNATIONAL_DIGITS if international else NATIONAL_DIGITS
    end, count = 0, 0
    digits = -2 if run.startswith("00") else 0
    for group in _DIGIT_GROUP.finditer(run):  # a longer run ends where the number's digits run out
        digits += len(group.group()) - (2 if group.group()[0] == "(" else 0)
        if digits > high:
            break
        end, count = group.end(), digits
    number = run[:end]
    if count < low or _DATE_SHAPE.fullmatch(number):
        return None
    if not international and number.isdigit() and count < 9:  # an unspaced short number is an id
        return None
    after = text[start + end : start + end + 2]
    if (after[:1].isalnum()) or _NUMBER_GOES_ON.match(after):  # 0401234567x, 09 123 45.5, 0123/26
        return None
    if _BUSINESS_ID_SHAPE.fullmatch(number):  # 1234567-8 with a wrong check: a business id, mistyped
        return None
    before = text[max(0, start - 40) : start]
    if before.rstrip().endswith("#"):
        return None
    words = [word.strip(".:#").casefold() for word in before.rsplit(None, 2)[-2:]]
    if words and words[-1] in _NUMBER_WORDS and len(words) == 2:
        words.pop()
    if words and words[-1] in _CASE_WORDS:
        return None
    key = _checked(number, international)
    if key is None:
        return None
    return Found(PHONE, start, start + end, number, key)


def phone_at(text: str, start: int) -> Found | None:
    """The phone number starting at ``start`` (a digit run, or the '+' or '(' before it), if any."""
    match = _PHONE_RUN.match(text, start)
    return _phone(text, match) if match is not None else None
