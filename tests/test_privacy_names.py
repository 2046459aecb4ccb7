"""Person names: with the Voikko lexicon, without it, and from the user's own list.

All names are invented combinations; the corpus in benchmarks/data measures recall and precision,
these tests pin the behaviour each rule promises.
"""

from __future__ import annotations

import builtins
import re
import sys

import pytest

from encounters_cli.privacy import lexicon as lexicon_module
from encounters_cli.privacy import names as names_module
from encounters_cli.privacy.lexicon import Lexicon, default_lexicon, reset_default_lexicon
from encounters_cli.privacy.names import guess_base, name_forms, name_key
from encounters_cli.privacy.recognisers import Scrubber, find_identifiers

VOIKKO = Lexicon.load()
needs_voikko = pytest.mark.skipif(
    not VOIKKO.available, reason=f"the Voikko lexicon is not installed here ({VOIKKO.reason})"
)
OFF = Lexicon.off()


def scrub(text: str, names: tuple[str, ...] = (), lexicon: Lexicon = VOIKKO) -> str:
    return Scrubber(names, lexicon=lexicon).scrub(text)


# --- with the lexicon ------------------------------------------------------------------------------


@needs_voikko
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tapasin Liisa Virtasen neuvonnassa.", "Tapasin [PERSON-1] neuvonnassa."),
        ("Soitin Mikolle aamulla.", "Soitin [PERSON-1] aamulla."),
        ("Virtasen kanssa sovittiin uusi aika.", "[PERSON-1] kanssa sovittiin uusi aika."),
        ("Rouva Niemiselle kerrottiin perustelut.", "Rouva [PERSON-1] kerrottiin perustelut."),
        ("Kerroin Oskari Kuvitelman isälle.", "Kerroin [PERSON-1] isälle."),  # a common word as surname
        ("Met Dana Fictive at the counter.", "Met [PERSON-1] at the counter."),  # unknown words
        ("Emily Brown's form was missing.", "[PERSON-1]'s form was missing."),
        ("Mr Okafor said nothing.", "Mr [PERSON-1] said nothing."),
        ("Mother: Olga Petrova, prefers Russian.", "Mother: [PERSON-1], prefers Russian."),
        ("Kysyin Fatimalta ja Yusufilta.", "Kysyin [PERSON-1] ja [PERSON-2]."),
        ("Perheen Noora-tytär aloittaa koulun.", "Perheen [PERSON-1]-tytär aloittaa koulun."),
        ("Kerroin Dana Fictivelle päätöksestä.", "Kerroin [PERSON-1] päätöksestä."),
        ("Priya Raman wants a reading evening.", "[PERSON-1] wants a reading evening."),
    ],
)
def test_names_with_the_lexicon(text: str, expected: str) -> None:
    assert scrub(text) == expected


@needs_voikko
def test_kallio_is_a_person_or_a_rock_by_capitals_and_neighbours() -> None:
    assert scrub("Kallion laella pidettiin tauko.") == "Kallion laella pidettiin tauko."  # sentence start
    assert scrub("Keskustelin Kallion kanssa.") == "Keskustelin [PERSON-1] kanssa."  # capital mid-sentence
    assert scrub("Asiakas Kallio soitti.") == "Asiakas [PERSON-1] soitti."  # after a role
    assert scrub("Kävelimme Kalliossa.") == "Kävelimme Kalliossa."  # inessive: a place
    assert scrub("Juha Kallio tuli.") == "[PERSON-1] tuli."  # next to a first name


@needs_voikko
def test_places_and_capitalised_common_words_alone_are_not_people() -> None:
    for text in (
        "Tapasin asiakkaan Helsingissä ja hän muutti Tampereelle.",
        "Tapasin asiakkaan Kontulan terveysasemalla.",  # a place after a role in the genitive
        "Kävimme läpi Oikeudenmukaisuuden ja Vapauden merkitystä.",
        "Voittaja oli Tarinatupa.",
        "Viestit lähetetään Wilmaan.",  # the school system, not the first name
    ):
        assert scrub(text) == text


@needs_voikko
def test_the_same_person_gets_one_number_in_every_form() -> None:
    scrubber = Scrubber(lexicon=VOIKKO)
    texts = [
        "Tapasin Liisa Virtasen.",
        "Virtasen kanssa sovittiin.",
        "Liisa soitti.",
        "Mikko Virtanen tuli myöhemmin.",
        "Mikolle soitettiin.",
        "Virtanen jäi odottamaan.",
    ]
    assert [scrubber.scrub(text) for text in texts] == [
        "Tapasin [PERSON-1].",
        "[PERSON-1] kanssa sovittiin.",
        "[PERSON-1] soitti.",
        "[PERSON-2] tuli myöhemmin.",  # another first name: another person
        "[PERSON-2] soitettiin.",
        "[PERSON-1] jäi odottamaan.",  # a lone surname goes to the first person seen with it
    ]
    assert scrubber.counts == {"PERSON": 2}
    assert scrubber.replaced["PERSON"] == 6


def test_a_fresh_scrubber_numbers_from_one_again() -> None:
    assert scrub("client Dana Fictive", lexicon=OFF) == "client [PERSON-1]"
    assert scrub("client Mia Example", lexicon=OFF) == "client [PERSON-1]"


# --- without the lexicon ---------------------------------------------------------------------------


def test_without_the_lexicon_titles_roles_and_the_users_list_still_work() -> None:
    text = "Dr Nieminen ja asiakas Kallio tapasivat. Soitin Veeralle ja Testiselle. Liisa tuli."
    assert scrub(text, ("Veera Testinen",), OFF) == (
        "Dr [PERSON-1] ja asiakas [PERSON-2] tapasivat. Soitin [PERSON-3] ja [PERSON-3]. Liisa tuli."
    )


def test_without_the_lexicon_nen_surnames_are_found_in_mid_sentence_only() -> None:
    assert scrub("Puhuin Korhosen kanssa.", lexicon=OFF) == "Puhuin [PERSON-1] kanssa."
    assert scrub("Tapaaminen oli hyvä. Ihminen on tärkeä.", lexicon=OFF) == (
        "Tapaaminen oli hyvä. Ihminen on tärkeä."
    )


def test_the_default_lexicon_can_be_turned_off_with_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENCOUNTERS_VOIKKO", "off")
    reset_default_lexicon()
    try:
        lexicon = default_lexicon()
        assert not lexicon.available
        assert "ENCOUNTERS_VOIKKO" in (lexicon.reason or "")
        assert Scrubber().scrub("Soitin Mikolle.") == "Soitin Mikolle."  # no lexicon, no cue, no list
    finally:
        monkeypatch.delenv("ENCOUNTERS_VOIKKO")
        reset_default_lexicon()


def test_a_missing_binding_library_or_dictionary_is_reported_not_raised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ENCOUNTERS_VOIKKO", raising=False)
    monkeypatch.setitem(sys.modules, "libvoikko", None)  # import fails
    assert Lexicon.load().reason == "the libvoikko Python package is not installed"

    class Missing:
        @staticmethod
        def Voikko(language: str) -> None:
            raise OSError("libvoikko.so.1: cannot open shared object file")

    monkeypatch.setitem(sys.modules, "libvoikko", Missing)
    assert Lexicon.load().reason == "the Voikko library (libvoikko1) is not installed"

    class NoDictionary:
        @staticmethod
        def Voikko(language: str) -> None:
            raise RuntimeError("Initialization of Voikko failed: No valid dictionaries were found")

    monkeypatch.setitem(sys.modules, "libvoikko", NoDictionary)
    lexicon = Lexicon.load()
    assert not lexicon.available
    assert "no Finnish dictionary" in (lexicon.reason or "")
    assert Scrubber(lexicon=lexicon).scrub("Mr Okafor") == "Mr [PERSON-1]"


def test_the_lexicon_is_not_imported_until_a_name_is_looked_up(monkeypatch: pytest.MonkeyPatch) -> None:
    imported: list[str] = []
    real_import = builtins.__import__

    def spy(name: str, *args: object, **kwargs: object) -> object:
        imported.append(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(lexicon_module, "_default", None)
    monkeypatch.setattr(builtins, "__import__", spy)
    import encounters_cli.privacy.recognisers  # noqa: F401 - importing must not load Voikko

    assert "libvoikko" not in imported


# --- the user's list -------------------------------------------------------------------------------


@pytest.mark.parametrize("lexicon", [VOIKKO, OFF], ids=["voikko", "no-voikko"])
def test_listed_names_are_found_in_any_form_and_case(lexicon: Lexicon) -> None:
    names = ("Veera Testinen", "Mikko", "Smith")
    text = (
        "Veeran kanssa puhuttiin. Testiselle soitettiin, ja veera testisen äiti tuli. "
        "Mikolle ja mikon isälle. Smithille ja Smith:lle."
    )
    assert scrub(text, names, lexicon) == (
        "[PERSON-1] kanssa puhuttiin. [PERSON-1] soitettiin, ja [PERSON-1] äiti tuli. "
        "[PERSON-2] ja [PERSON-2] isälle. [PERSON-3] ja [PERSON-3]."
    )


@needs_voikko
def test_a_listed_name_in_lower_case_that_is_a_common_word_stays() -> None:
    assert scrub("Kallion laella ja kallion laella.", ("Kallio",)) == "[PERSON-1] laella ja kallion laella."


def test_an_empty_or_blank_list_finds_nothing_extra() -> None:
    assert scrub("Tämä on lause.", ("", "  "), OFF) == "Tämä on lause."


# --- the helpers -----------------------------------------------------------------------------------


def test_inflected_forms_of_a_name() -> None:
    assert {"mikon", "mikolle", "mikkoa", "mikkoon", "mikoksi"} <= name_forms("mikko")
    assert {"virtasen", "virtaselle", "virtasta", "virtaseen", "virtasten"} <= name_forms("virtanen")
    assert {"smithin", "smithille", "smith:lle", "smithiä"} <= name_forms("smith")
    assert {"markuksen", "markukselle"} <= name_forms("markus")
    assert {"sadun", "sadulle"} <= name_forms("satu")


@pytest.mark.parametrize(
    ("word", "base"),
    [("fictivelle", "fictive"), ("okaforin", "okafor"), ("testiselle", "testinen"), ("virtanen", "virtanen")],
)
def test_guessing_a_base_form(word: str, base: str) -> None:
    assert guess_base(word) == base


def test_one_key_for_every_form_of_an_unknown_name() -> None:
    assert name_key("kristian") == name_key("kristianin") == name_key("kristianille")


def test_find_identifiers_reports_the_name_words() -> None:
    [found] = find_identifiers("client Dana Fictive")
    assert (found.kind, found.text) == ("PERSON", "Dana Fictive")
    assert len(found.parts) == 2


# --- the fast path: a text with nobody in it is told without the per-word loop ----------------------

TRICKY = [
    "Okafor called. We met Mr. Okafor at the desk.",
    "Okafor called. Afterwards I spoke with Okafor.",
    "Tapasin asiakkaan. Äiti: Sari Okafor tuli mukaan.",
    "Kävimme läpi asian: Okafor. Sovimme uuden ajan.",
    "I saw the forms. Okafor signed them. Dr. Okafor was there. Mrs. Okafor too.",
    "Tapasin asiakas. Okafor kertoi. Prof. Okafor myös.",
    'Before the meeting. "Okafor" said nothing.\nOkafor came later!  Okafor left? Okafor… (Okafor)',
    "e-mail x.Okafor@example.org, path /Okafor/, iOkafor, Okafor2, O'Okafor",
    "Okafor. okafor. OKAFOR. Okafor’s form. Okafor-niminen. Okafor:lle.",
    ". Okafor",
    ": Okafor",
    "Okafor",
    "Mr. Okafor",
    "s. Okafor",
    "mrs. Okafor",
    "Veera. Testinen",
    "Kallion laella. Kallio soitti. Keskustelin Kallion kanssa. Asiakas. Kallio tuli.",
    "Friday. Kela soitti. Helsingissä oli kylmä.",
    "Þ, “Okafor” — and Ωmega. Okafor ŠTĚPÁN. Štěpán came.",
]


def _slow(recogniser: names_module.NameRecogniser, text: str) -> list:
    """``find`` without its fast path."""
    nobody = recogniser._nobody
    recogniser._nobody = lambda text: False
    try:
        return recogniser.find(text)
    finally:
        recogniser._nobody = nobody


@pytest.mark.parametrize("lexicon", [VOIKKO, OFF], ids=["voikko", "off"])
@pytest.mark.parametrize("names", [(), ("Veera Testinen", "Dana Okafor", "Liisa Virtanen")])
def test_the_fast_path_finds_what_the_word_loop_finds(lexicon: Lexicon, names: tuple[str, ...]) -> None:
    recogniser = Scrubber(names, lexicon=lexicon).recognisers._names
    for _ in range(2):  # the second round meets every spelling already judged
        for text in TRICKY:
            assert recogniser.find(text) == _slow(recogniser, text), text


@needs_voikko
def test_a_sentence_start_is_a_name_after_a_title_even_once_judged() -> None:
    scrubber = Scrubber(lexicon=VOIKKO)
    assert scrubber.scrub("Okafor called back.") == "Okafor called back."  # first in a sentence
    assert scrubber.recognisers._names._nobody("Okafor called back.")  # now decided on the fast path
    assert scrubber.scrub("We met Mr. Okafor.") == "We met Mr. [PERSON-1]."
    assert scrubber.scrub("Äiti: Okafor tuli.") == "Äiti: [PERSON-1] tuli."
    assert scrubber.scrub("We met Okafor.") == "We met [PERSON-1]."  # mid-sentence


@needs_voikko
def test_a_sentence_start_that_is_also_a_common_word_is_a_name_after_a_role() -> None:
    scrubber = Scrubber(lexicon=VOIKKO)
    assert scrubber.scrub("Kallio soitti.") == "Kallio soitti."  # 'rock', first in the sentence
    assert scrubber.recognisers._names._nobody("Kallio soitti.")
    assert scrubber.scrub("Tapasin asiakas. Kallio soitti.") == "Tapasin asiakas. [PERSON-1] soitti."


@needs_voikko
def test_a_listed_name_at_a_sentence_start_is_found_though_another_scrubber_judged_it() -> None:
    plain = Scrubber(lexicon=VOIKKO)  # shares the lexicon's memo with the next one
    assert plain.scrub("Okafor called back.") == "Okafor called back."
    listed = Scrubber(["Dana Okafor"], lexicon=VOIKKO)
    assert listed.scrub("Okafor called back.") == "[PERSON-1] called back."
    assert plain.scrub("Okafor called back.") == "Okafor called back."


def test_a_listed_name_in_lower_case_is_found_in_a_text_of_sentence_starts() -> None:
    scrubber = Scrubber(["Liisa Virtanen"], lexicon=OFF)
    assert scrubber.scrub("Before lunch. We met.") == "Before lunch. We met."
    assert scrubber.scrub("Before lunch. soitin liisalle.") == "Before lunch. soitin [PERSON-1]."
    assert scrubber.scrub("Before testing. We met.") == "Before testing. We met."  # no listed form


@needs_voikko
def test_a_text_of_words_that_are_never_names_is_decided_at_once() -> None:
    scrubber = Scrubber(lexicon=VOIKKO)
    text = "Friday. Kela soitti. Helsingissä oli kylmä. HUS vastasi."
    assert scrubber.scrub(text) == text
    assert scrubber.recognisers._names._nobody(text)
    assert scrubber.scrub("Friday. Kela soitti, Okafor kertoi.") == "Friday. Kela soitti, [PERSON-1] kertoi."


def test_the_latin1_token_pattern_matches_as_the_unicode_one() -> None:
    every = "".join(chr(code) for code in range(256))
    for char in every:
        assert (re.fullmatch(r"[^\W\d_]", char) is not None) == (char in names_module._LETTER)
        assert (names_module._TOKEN.fullmatch(char + "ab") is not None) == (
            names_module._TOKEN_LATIN1.fullmatch(char + "ab") is not None
        )
    samples = [every, every[::-1], "Äiti:Sari Smith:lle O'Neil-Smith ²Ab Ab² ªb Ä-ö Ö’Ä ßA", *TRICKY]
    for text in samples:
        if names_module.within_latin1(text):
            assert names_module._TOKEN_LATIN1.findall(text) == names_module._TOKEN.findall(text)
