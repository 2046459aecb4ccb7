"""Codes with a fixed shape: identity codes, bank accounts and business ids (with their checksums),
and vehicle plates (shape and context; plates have no checksum)."""

from __future__ import annotations

import re
from datetime import date

from encounters_cli.privacy.found import BUSINESS_ID, HETU, IBAN, PLATE, Found
from encounters_cli.privacy.wordlists import words

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


def hetu_at(text: str, start: int) -> Found | None:
    """The identity code starting at ``start`` (where a run of six digits starts), if valid."""
    match = _HETU.match(text, start)
    if match is None or not hetu_is_valid(match.group()):
        return None
    return Found(HETU, start, match.end(), match.group(), match.group().upper())


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


_WHITESPACE = re.compile(r"\s")
_IBAN_SHAPE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]+")
_LETTER_VALUES = str.maketrans({chr(code): str(code - 55) for code in range(ord("A"), ord("Z") + 1)})


def iban_is_valid(iban: str) -> bool:
    compact = _WHITESPACE.sub("", iban).upper()
    if not _IBAN_SHAPE.fullmatch(compact):
        return False
    if IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    return int((compact[4:] + compact[:4]).translate(_LETTER_VALUES)) % 97 == 1


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


def iban_at(text: str, start: int) -> Found | None:
    """The IBAN whose country code starts at ``start``, if valid."""
    if not _IBAN_START.match(text, start):
        return None
    end = _iban_end(text, start)
    if end is None:
        return None
    raw = text[start:end]
    return Found(IBAN, start, end, raw, _WHITESPACE.sub("", raw).upper())


# --- BUSINESS-ID (Y-tunnus) ---------------------------------------------------------------------

_BUSINESS_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)
# 1234567-8, and the same digits as a Finnish VAT number: FI12345678
_BUSINESS_ID = re.compile(r"(?<![\w-])(\d{7})-(\d)(?![\w-])|(?<![\w-])FI ?(\d{7})(\d)(?![\w-])")


def business_id_check(digits: str) -> int | None:
    """The check digit of a 7-digit business id; None when there is none (remainder 1)."""
    remainder = sum(int(digit) * weight for digit, weight in zip(digits, _BUSINESS_WEIGHTS, strict=True)) % 11
    if remainder == 1:
        return None
    return 0 if remainder == 0 else 11 - remainder


def business_id_is_valid(code: str) -> bool:
    """A Finnish business id (Y-tunnus) '1234567-8' or its VAT form 'FI12345678', check digit right."""
    match = _BUSINESS_ID.fullmatch(code.strip())
    if not match:
        return False
    digits, check = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    return business_id_check(digits) == int(check)


def business_id_at(text: str, start: int) -> Found | None:
    """The business id starting at ``start`` (seven digits, or 'FI' before eight), if valid."""
    match = _BUSINESS_ID.match(text, start)
    if match is None:
        return None
    digits, check = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    if business_id_check(digits) != int(check):
        return None
    return Found(BUSINESS_ID, start, match.end(), match.group(), f"{digits}-{check}")


# --- PLATE ------------------------------------------------------------------------------------

# Finnish plates: two or three letters, a hyphen, one to three digits, the first not 0 (ABC-123).
# Three letters are enough on their own; two letters (AB-12), a space instead of the hyphen, or lower
# case need a word about vehicles nearby. Abbreviations with a number are not plates (ALV-24, HUS-1).
_PLATE_EXACT = re.compile(r"(?<![\w-])[A-ZÅÄÖ]{3}-[1-9]\d{0,2}(?![\w-])")
_PLATE_LOOSE = re.compile(r"(?<![\w-])(?:[A-ZÅÄÖ]{2,3}[- ]|[a-zåäö]{2,3}-)[1-9]\d{0,2}(?![\w-])")
_VEHICLE_WORDS = re.compile(
    r"rekisteri|rekkari|kilpi|kilve|\bauto(?:n|a|lla|lle|ssa|sta|t|ja|jen|on)?\b|pakettiauto|"
    r"ajoneuvo|mopo|moottoripyör|\bplates?\b|registration|\breg\b|\bcars?\b|\bvans?\b|vehicle|"
    r"truck|motorbike|motorcycle",
    re.IGNORECASE,
)
NOT_PLATES = words(  # abbreviations that come with numbers
    """
    ALV HUS ISO YTK AVI ELY KKV THL STM OKM HSL PDF USB LVI ATK WHO EKG MRI DNA HPV TYK YLE MTV SDP
    KOK RKP VAS EU TE VR IT HR SV TO EI KY OY AB ID NO PL PS KD CV BMI HB EEG KELA
    """
)


def plate_at(text: str, start: int) -> Found | None:
    """The plate whose letters start at ``start``: 'ABC-123' always, looser forms near vehicle words."""
    match = _PLATE_EXACT.match(text, start)
    if match is None:
        match = _PLATE_LOOSE.match(text, start)
        if match is None or _VEHICLE_WORDS.search(text) is None:
            return None
    raw = match.group()
    letters = raw.rstrip("0123456789")[:-1].upper()
    if letters in NOT_PLATES:
        return None
    return Found(PLATE, start, match.end(), raw, letters + "-" + raw[len(letters) + 1 :])
