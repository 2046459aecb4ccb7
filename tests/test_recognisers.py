"""Recognisers and the Scrubber. Every identifier here is synthetic: checksums are computed below."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encounters_cli.privacy.codes import business_id_check
from encounters_cli.privacy.lexicon import Lexicon
from encounters_cli.privacy.recognisers import (
    Scrubber,
    business_id_is_valid,
    find_identifiers,
    has_digit,
    hetu_is_valid,
    iban_is_valid,
)

HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
CENTURY_SIGNS = {"+": 1800, **dict.fromkeys("-YXWVU", 1900), **dict.fromkeys("ABCDEF", 2000)}


def hetu(day: date, sign: str, individual: int) -> str:
    """A synthetic identity code with a correct check character."""
    digits = f"{day:%d%m}{day.year % 100:02d}"
    number = int(f"{digits}{individual:03d}")
    return f"{digits}{sign}{individual:03d}{HETU_CHECK[number % 31]}"


def iban(country: str, bban: str) -> str:
    """A synthetic IBAN with correct mod-97 check digits."""
    rearranged = "".join(str(int(char, 36)) for char in bban + country + "00")
    return f"{country}{98 - int(rearranged) % 97:02d}{bban}"


def grouped(compact: str) -> str:
    return " ".join(compact[index : index + 4] for index in range(0, len(compact), 4))


def scrub(text: str) -> str:
    return Scrubber().scrub(text)


def business_id(digits: str) -> str:
    """A synthetic business id (Y-tunnus) with its check digit; ``digits`` must not give remainder 1."""
    check = business_id_check(digits)
    assert check is not None
    return f"{digits}-{check}"


FI_IBAN = iban("FI", "12345600000785")
HETU_1952 = hetu(date(1952, 10, 13), "-", 308)
BUSINESS_ID = business_id("0737546")


# --- placeholders ---------------------------------------------------------------------------------


def test_the_same_identifier_gets_the_same_placeholder_within_one_scrubber() -> None:
    scrubber = Scrubber()
    first = scrubber.scrub("Wrote to parent.example@example.org, then to help@example.org.")
    second = scrubber.scrub("Parent.Example@Example.ORG answered; help@example.org did not.")
    assert first == "Wrote to [EMAIL-1], then to [EMAIL-2]."
    assert second == "[EMAIL-1] answered; [EMAIL-2] did not."
    assert scrubber.counts == {"EMAIL": 2}
    assert scrubber.replaced["EMAIL"] == 4


def test_placeholders_of_every_kind() -> None:
    text = (
        f"client Dana Fictive, Kauppakatu 14 B 22, 33100 Tampere, {HETU_1952}, {BUSINESS_ID}, ABC-123, "
        f"{grouped(FI_IBAN)}, x@example.org, https://example.org/a, 040 123 4567"
    )
    assert scrub(text) == (
        "client [PERSON-1], [ADDRESS-1], [HETU-1], [BUSINESS-ID-1], [PLATE-1], [IBAN-1], [EMAIL-1], [URL-1], "
        "[PHONE-1]"
    )


def test_numbering_is_per_kind_and_a_new_scrubber_starts_again() -> None:
    text = f"x@example.org, 040 123 4567, {HETU_1952}, y@example.org"
    assert scrub(text) == "[EMAIL-1], [PHONE-1], [HETU-1], [EMAIL-2]"
    assert scrub("y@example.org") == "[EMAIL-1]"


def test_a_phone_number_written_nationally_and_internationally_is_one_number() -> None:
    scrubber = Scrubber()
    assert scrubber.scrub("040 123 4567 or +358 40 1234567 or 00358401234567") == (
        "[PHONE-1] or [PHONE-1] or [PHONE-1]"
    )


def test_found_identifiers_say_what_and_where() -> None:
    text = f"Tili {grouped(FI_IBAN)}."
    [found] = find_identifiers(text)
    assert (found.kind, found.start, found.end) == ("IBAN", 5, 5 + len(grouped(FI_IBAN)))
    assert found.key == FI_IBAN


# --- phone numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "040 123 4567",
        "0401234567",
        "040-123 4567",
        "050 765 4321",
        "+358 40 1234567",
        "+358401234567",
        "+358 (0)40 123 4567",
        "00358 40 1234567",
        "09-123 4567",
        "09 123 4567",
        "(09) 123 4567",
        "0800 123 456",
        "+44 20 7946 0958",
        "+1 (555) 010-0199",
        "+46 8 123 456 78",
    ],
)
def test_phone_numbers(number: str) -> None:
    assert scrub(f"Soita {number} huomenna.") == "Soita [PHONE-1] huomenna."
    assert scrub(f"({number})") == "([PHONE-1])"
    assert scrub(f"puh:{number}") == "puh:[PHONE-1]"


def test_a_number_after_a_year_or_a_time_is_still_found() -> None:
    assert scrub("Syksyllä 2026 040 765 4321") == "Syksyllä 2026 [PHONE-1]"
    assert scrub("klo 14 040 765 4321") == "klo 14 [PHONE-1]"


def test_two_numbers_in_one_run_are_two() -> None:
    assert scrub("040 123 4567 050 765 4321") == "[PHONE-1] [PHONE-2]"


# --- HETU -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sign", sorted(CENTURY_SIGNS))
def test_every_century_sign(sign: str) -> None:
    code = hetu(date(CENTURY_SIGNS[sign] + 88, 2, 29), sign, 123)  # 1888, 1988, 2088 are leap years
    assert hetu_is_valid(code)
    assert scrub(f"Henkilötunnus {code}.") == "Henkilötunnus [HETU-1]."


def test_temporary_and_lower_case_codes() -> None:
    temporary = hetu(date(1990, 1, 1), "-", 900)
    assert scrub(temporary) == "[HETU-1]"
    assert scrub(hetu(date(2005, 6, 30), "A", 456).lower()) == "[HETU-1]"


@pytest.mark.parametrize(
    "code",
    [
        HETU_1952[:-1] + ("A" if HETU_1952[-1] != "A" else "B"),  # wrong check character
        hetu(date(1999, 1, 31), "-", 123).replace("3101", "3102"),  # 31 February
        hetu(date(2001, 2, 28), "A", 123).replace("2802", "2902"),  # 29 February in a common year
        hetu(date(1990, 1, 1), "-", 1),  # individual number 001 is never given
        hetu(date(1990, 1, 1), "G", 123),  # G is not a century sign
        hetu(date(1990, 1, 1), "-", 123) + "5",  # part of a longer token
    ],
)
def test_invalid_identity_codes_stay(code: str) -> None:
    assert not hetu_is_valid(code)
    assert scrub(f"koodi {code} tässä") == f"koodi {code} tässä"


def test_a_hetu_whose_digits_read_as_a_phone_number_is_a_hetu() -> None:
    # 010190-NNNC with a digit check character is also 10 digits starting with 0: a phone shape.
    code = next(
        candidate
        for individual in range(2, 900)
        if (candidate := hetu(date(1990, 1, 1), "-", individual))[-1].isdigit()
    )
    [found] = find_identifiers(f"Tunnus {code}")
    assert found.kind == "HETU"
    assert scrub(f"Tunnus {code}") == "Tunnus [HETU-1]"


@given(
    st.dates(min_value=date(1800, 1, 1), max_value=date(2099, 12, 31)),
    st.integers(min_value=2, max_value=999),
    st.data(),
)
def test_any_valid_hetu_is_found_whole(day: date, individual: int, data: st.DataObject) -> None:
    signs = [sign for sign, century in CENTURY_SIGNS.items() if century == day.year // 100 * 100]
    code = hetu(day, data.draw(st.sampled_from(signs)), individual)
    assert hetu_is_valid(code)
    assert scrub(f"({code})") == "([HETU-1])"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)), st.integers(2, 899), st.data())
def test_changing_one_digit_breaks_the_check(day: date, individual: int, data: st.DataObject) -> None:
    code = hetu(day, "-", individual)
    position = data.draw(st.sampled_from([0, 1, 2, 3, 4, 5, 7, 8, 9]))
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != code[position]]))
    assert not hetu_is_valid(code[:position] + digit + code[position + 1 :])


# --- IBAN -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "account",
    [
        FI_IBAN,
        grouped(FI_IBAN),
        grouped(iban("DE", "370400440532013000")),
        iban("GB", "NWBK60161331926819"),
        grouped(iban("SE", "50000000058398257466")),
        grouped(FI_IBAN).lower(),
    ],
)
def test_ibans(account: str) -> None:
    assert iban_is_valid(account)
    assert scrub(f"Tilille {account} EUR 120") == "Tilille [IBAN-1] EUR 120"


def test_an_iban_with_a_wrong_check_stays() -> None:
    wrong = FI_IBAN[:-1] + str((int(FI_IBAN[-1]) + 1) % 10)
    assert not iban_is_valid(wrong)
    assert scrub(f"Tilille {grouped(wrong)}.") == f"Tilille {grouped(wrong)}."


def test_an_iban_that_contains_a_phone_shape_is_an_iban() -> None:
    account = grouped(iban("FI", "04012345678901"))  # its groups '0401 2345 6789' look like a number
    assert scrub(f"IBAN: {account}") == "IBAN: [IBAN-1]"


# --- email and URLs ---------------------------------------------------------------------------------


def test_urls() -> None:
    text = (
        "See https://example.org/forms?id=7. Also www.example.net, (https://example.org/a_(b)) "
        "and example.org/u/123 but not kela.fi or e.g. this."
    )
    assert scrub(text) == ("See [URL-1]. Also [URL-2], ([URL-3]) and [URL-4] but not kela.fi or e.g. this.")


def test_an_email_inside_a_url_goes_with_the_url() -> None:
    assert scrub("https://example.org/?to=parent@example.org ok") == "[URL-1] ok"


def test_email_with_finnish_case_ending() -> None:
    assert scrub("Lähetin viestin osoitteeseen asiakas@example.fi:hin.") == (
        "Lähetin viestin osoitteeseen [EMAIL-1]:hin."
    )


# --- what stays ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Tapaaminen 27.11.2026 klo 14.30",
        "Meeting on 2026-11-27 at 09:00-10:00",
        "Aika 02-03-2026 ja 1.2.2026",
        "klo 9–16, 08-16",
        "Dnro 123/2026",
        "case 2026-00123",
        "asianumero 0123456",
        "Asiakasnumero: 0401234567",
        "viite #0401234567",
        "Tuki 1 200 euroa, 0,5 %",
        "postinumero 00100 Helsinki",
        "Trust and Luottamus, Helsinki City Library, Kela, kela.fi",
        "Versio 1.0.4 ja 3.04",
        "vuosina 2019–2026",
        "Huone 040",
    ],
)
def test_hard_negatives_stay(text: str) -> None:
    assert scrub(text) == text


def test_a_role_before_a_capitalised_word_names_a_person_even_without_a_lexicon() -> None:
    text = "Asiakas Esimerkki soitti, ja asiakas Testaaja tuli."
    expected = "Asiakas [PERSON-1] soitti, ja asiakas [PERSON-2] tuli."
    assert Scrubber(lexicon=Lexicon.off()).scrub(text) == expected


def test_text_without_identifiers_comes_back_unchanged() -> None:
    scrubber = Scrubber()
    assert scrubber.scrub("") == ""
    assert scrubber.scrub("Luin lomakkeen ääneen.") == "Luin lomakkeen ääneen."
    assert scrubber.counts == {}


def test_many_identifiers_in_a_long_text_keep_their_order() -> None:
    base = date(1970, 1, 1)
    codes = [hetu(base + timedelta(days=97 * n), "-", 100 + n) for n in range(30)]
    text = " ja ".join(codes)
    assert scrub(text) == " ja ".join(f"[HETU-{n}]" for n in range(1, 31))


# --- business ids (Y-tunnus) ------------------------------------------------------------------------


def remainder(digits: str) -> int:
    return sum(int(d) * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11


def digits_with_remainder(wanted: int) -> str:
    return next(digits for n in range(1_000_000, 9_999_999) if remainder(digits := f"{n:07d}") == wanted)


def test_business_id_check_digit_rules() -> None:
    zero = digits_with_remainder(0)
    assert business_id_check(zero) == 0  # remainder 0: check digit 0
    assert business_id_is_valid(f"{zero}-0")
    one = digits_with_remainder(1)
    assert business_id_check(one) is None  # remainder 1: no valid check digit, never issued
    assert not any(business_id_is_valid(f"{one}-{d}") for d in range(10))
    for wanted in range(2, 11):
        digits = digits_with_remainder(wanted)
        assert business_id_check(digits) == 11 - wanted
        assert business_id_is_valid(f"{digits}-{11 - wanted}")
        assert not business_id_is_valid(f"{digits}-{(11 - wanted + 1) % 10}")


def test_business_ids_in_text() -> None:
    digits, check = BUSINESS_ID.split("-")
    assert scrub(f"Y-tunnus {BUSINESS_ID}.") == "Y-tunnus [BUSINESS-ID-1]."
    assert scrub(f"VAT FI{digits}{check} and {BUSINESS_ID}") == "VAT [BUSINESS-ID-1] and [BUSINESS-ID-1]"
    wrong = f"{digits}-{(int(check) + 1) % 10}"
    assert scrub(f"Y-tunnus {wrong}.") == f"Y-tunnus {wrong}."


def test_a_remainder_one_number_is_neither_a_business_id_nor_a_phone_number() -> None:
    text = f"palkkakuitissa luki {digits_with_remainder(1)}-5"
    assert scrub(text) == text
    text = "palkkakuitissa luki 0506752-9"  # also shaped like 050 675 29
    assert scrub(text) == text


# --- vehicle plates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Auto KLM-482 oli pelastustiellä.", "Auto [PLATE-1] oli pelastustiellä."),
        ("The car (BTR-519) was towed.", "The car ([PLATE-1]) was towed."),
        ("rekisterinumero ZX-77", "rekisterinumero [PLATE-1]"),  # two letters: with a vehicle word
        ("registration number KLM 482", "registration number [PLATE-1]"),
        ("plate klm-482", "plate [PLATE-1]"),
    ],
)
def test_plates(text: str, expected: str) -> None:
    assert scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ZX-77 ja muuta",  # two letters alone
        "ALV-24 ja HUS-1",  # abbreviations with numbers
        "COVID-19 ja ISO-9001",
        "klo 14 ja vko 12 autolla",  # a time and a week next to a vehicle word
        "Huone ABC-0",  # plates never start with 0
    ],
)
def test_not_plates(text: str) -> None:
    assert scrub(text) == text


# --- addresses -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "Kauppakatu 14 B 22, 33100 Tampere",
        "Mannerheimintie 102 A 7",
        "Liisankatu 3 as. 5",
        "Pohjoinen Rautatiekatu 21, 00100 Helsinki",
        "Sörnäisten rantatie 27 D 88",
        "Koivukuja 2",
        "Hämeenkatu 22 b 14",
        "Kalevankatu 9-11",
        "Mannerheimvägen 5 A 3",
        "Stora Robertsgatan 2",
        "12 Example Street",
        "221B Baker Street",
        "Flat 3, 12 Example Road",
    ],
)
def test_addresses_are_found_whole(address: str) -> None:
    assert scrub(f"Osoite: {address}. Kiitos.") == "Osoite: [ADDRESS-1]. Kiitos."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kotikäynti Mannerheimintiellä 5 aamulla.", "Kotikäynti [ADDRESS-1] aamulla."),
        ("Asukas Kauppakadulla 3 B valitti.", "Asukas [ADDRESS-1] valitti."),
        ("Koivukujalla 7 A 3 asuva perhe", "[ADDRESS-1] asuva perhe"),
    ],
)
def test_inflected_street_names(text: str, expected: str) -> None:
    assert scrub(text) == expected


def test_the_same_street_inflected_is_one_address() -> None:
    scrubber = Scrubber()
    assert scrubber.scrub("Mannerheimintie 5 ja Mannerheimintiellä 5") == "[ADDRESS-1] ja [ADDRESS-1]"


@pytest.mark.parametrize(
    "text",
    [
        "postinumero 00100 Helsinki",  # a postal code and town alone
        "Asun Kauppakadulla.",  # a street without a number
        "valtatie 4 oli ruuhkainen",  # a road number
        "Tampereella ja Helsingissä",
        "Kävelimme 5 km",
        "Kirjastossa 3 kertaa viikossa",
    ],
)
def test_not_addresses(text: str) -> None:
    assert scrub(text) == text


# --- overlaps ------------------------------------------------------------------------------------


def test_checksum_kinds_win_over_longer_spans() -> None:
    # a business id inside what also reads as a street address: the checksum decides
    found = find_identifiers(f"Kauppakatu {BUSINESS_ID}")
    assert [item.kind for item in found] == ["BUSINESS-ID"]


def test_a_name_inside_an_email_or_an_address_goes_with_them() -> None:
    assert scrub("Liisa.Virtanen@example.fi") == "[EMAIL-1]"
    assert scrub("Osoite Liisankatu 3 as. 5") == "Osoite [ADDRESS-1]"


# --- more hard negatives -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Trust, Participation, Knowledge, Justice, Equality and Freedom.",
        "Arvot: Luottamus, Yhdenvertaisuus, Osallisuus, Oikeudenmukaisuus, Tieto ja Vapaus.",
        "We met at Helsinki City Library and then went to Kela, HUS and the TE-toimisto.",
        "Omnian opinto-ohjaaja ja Ohjaamon nuoret",
        "Tampere, Helsinki and Espoo differ.",
        "Monday, Tuesdays, March and April; maanantaina ja huhtikuussa.",
        "Tänään asiakas tuli ajoissa. Asiakas oli tyytyväinen.",
        "Today the client came. Yesterday nothing happened.",
        "Dnro 123/2026 ja Y-tunnus puuttuu.",
        "The meeting is at 10:30 on 14.3.2026 in room 204.",
    ],
)
def test_hard_negatives_of_names_and_places_stay(text: str) -> None:
    assert scrub(text) == text


def test_a_name_next_to_an_address_stays_two_identifiers() -> None:
    text = "Tapasin client Dana Fictiven Kauppakadulla 3 B."
    assert scrub(text) == "Tapasin client [PERSON-1] [ADDRESS-1]."


@pytest.mark.parametrize(
    "text",
    [
        *("no digits here", "room 12", "äiti ja isä", "äiti 7", "x²³¹ ½"),  # ² and ½ are no decimal digits
        *("ääni – hetki…", "\u0663 kertaa", "ä \u0967", "𝟘"),  # beyond Latin-1: the regex decides
    ],
)
def test_has_digit_is_the_digit_regex_in_short(text: str) -> None:
    assert has_digit(text) == (re.search(r"\d", text) is not None)
