"""What a recogniser finds: the kinds of identifier, and one found identifier."""

from __future__ import annotations

from typing import NamedTuple

PERSON = "PERSON"
ADDRESS = "ADDRESS"
HETU = "HETU"
IBAN = "IBAN"
BUSINESS_ID = "BUSINESS-ID"
EMAIL = "EMAIL"
URL = "URL"
PHONE = "PHONE"
PLATE = "PLATE"
# Also the order of preference between overlapping candidates of equal standing.
KINDS = (HETU, IBAN, BUSINESS_ID, EMAIL, URL, PHONE, ADDRESS, PLATE, PERSON)
CHECKSUM_KINDS = frozenset({HETU, IBAN, BUSINESS_ID})
# The order to tell a person about them in: who first.
SHOWN_ORDER = (PERSON, ADDRESS, PHONE, EMAIL, HETU, IBAN, BUSINESS_ID, PLATE, URL)


class Found(NamedTuple):
    """One identifier in a text: its kind, where it is, and a key shared by its other spellings.

    A named tuple rather than a dataclass: thousands are made per export, and a tuple is made fastest.
    """

    kind: str
    start: int
    end: int
    text: str
    key: str  # normalised: "040 123 4567" and "+358 40 1234567" have the same key
    parts: tuple[
        str, ...
    ] = ()  # PERSON: the base form of each name word ('Liisa Virtasen' -> liisa, virtanen)
