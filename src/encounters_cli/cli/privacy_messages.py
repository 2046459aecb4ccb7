"""What the privacy commands and the nudge while writing say, in English and Finnish."""

from __future__ import annotations

import sys
from collections.abc import Iterable

from encounters_cli.i18n import translate

MESSAGES = {
    # kinds of identifier, as a person reads them
    "kind.PERSON": {"en": "name", "fi": "nimi"},
    "kind.ADDRESS": {"en": "address", "fi": "osoite"},
    "kind.PHONE": {"en": "phone number", "fi": "puhelinnumero"},
    "kind.EMAIL": {"en": "email address", "fi": "sähköpostiosoite"},
    "kind.URL": {"en": "web address", "fi": "verkko-osoite"},
    "kind.HETU": {"en": "identity code", "fi": "henkilötunnus"},
    "kind.IBAN": {"en": "bank account", "fi": "tilinumero"},
    "kind.BUSINESS-ID": {"en": "business ID", "fi": "Y-tunnus"},
    "kind.PLATE": {"en": "vehicle plate", "fi": "rekisterinumero"},
    # the nudge at a terminal
    "nudge.title": {
        "en": "This answer may identify someone: {kinds}.",
        "fi": "Vastaus saattaa tunnistaa jonkun: {kinds}.",
    },
    "nudge.preview": {"en": "With placeholders:", "fi": "Paikkamerkein:"},
    "nudge.replace": {"en": "replace them with placeholders", "fi": "korvaa paikkamerkeillä"},
    "nudge.keep": {"en": "keep the answer as written", "fi": "säilytä vastaus sellaisenaan"},
    "nudge.edit": {"en": "type the answer again", "fi": "kirjoita vastaus uudelleen"},
    "nudge.default": {"en": "Enter for 1", "fi": "Enter = 1"},
    "nudge.invalid": {
        "en": "Please try again: 1, 2 or 3 (replace, keep, edit)",
        "fi": "Yritä uudelleen: 1, 2 tai 3 (korvaa, säilytä, kirjoita)",
    },
    "nudge.replaced": {"en": "Replaced with placeholders.", "fi": "Korvattu paikkamerkeillä."},
    # the nudge without a terminal: one line
    "nudge.warning.one": {
        "en": "note: the answer to {ids} may identify someone ({kinds}); it was saved as written "
        "('encounters privacy check' shows what is found)",
        "fi": "huom: vastaus kysymykseen {ids} saattaa tunnistaa jonkun ({kinds}); se tallennettiin "
        "sellaisenaan ('encounters privacy check' näyttää, mitä löytyy)",
    },
    "nudge.warning.many": {
        "en": "note: the answers to {ids} may identify someone ({kinds}); they were saved as written "
        "('encounters privacy check' shows what is found)",
        "fi": "huom: vastaukset kysymyksiin {ids} saattavat tunnistaa jonkun ({kinds}); ne tallennettiin "
        "sellaisenaan ('encounters privacy check' näyttää, mitä löytyy)",
    },
    # privacy names
    "names.added": {
        "en": "Added {added}; {total} on your list of names to always scrub.",
        "fi": "Lisätty {added}; listallasi on nyt {total} aina poistettavaa nimeä.",
    },
    "names.already": {
        "en": "Already on your list: {names}.",
        "fi": "Jo listallasi: {names}.",
    },
    "names.removed": {
        "en": "Removed {removed}; {total} left on your list.",
        "fi": "Poistettu {removed}; listallesi jäi {total}.",
    },
    "names.not_listed": {
        "en": "'{name}' is not on your list of names (see 'encounters privacy names list')",
        "fi": "'{name}' ei ole nimilistallasi (katso 'encounters privacy names list')",
    },
    "names.empty": {
        "en": "No names on your list. Add them with: encounters privacy names add NAME…",
        "fi": "Listallasi ei ole nimiä. Lisää niitä: encounters privacy names add NIMI…",
    },
    "names.blank": {"en": "a name cannot be blank", "fi": "nimi ei voi olla tyhjä"},
    # privacy check and status
    "check.found": {"en": "Found: {counts}.", "fi": "Löytyi: {counts}."},
    "check.nothing": {"en": "Nothing found.", "fi": "Mitään ei löytynyt."},
    "check.no_lexicon": {
        "en": "Without the Voikko lexicon names are found only from your list, titles and roles "
        "('encounters privacy status').",
        "fi": "Ilman Voikko-sanastoa nimet löytyvät vain listaltasi sekä titteleistä ja rooleista "
        "('encounters privacy status').",
    },
    "check.empty": {"en": "no text to check", "fi": "tarkistettavaa tekstiä ei ole"},
    "status.lexicon.yes": {
        "en": "Voikko lexicon:      in use (names are recognised in any inflected form)",
        "fi": "Voikko-sanasto:      käytössä (nimet tunnistetaan kaikissa taivutusmuodoissa)",
    },
    "status.lexicon.no": {
        "en": "Voikko lexicon:      not available: {reason}. Names are found only from your list, "
        "titles and roles; install libvoikko1 and voikko-fi (Debian/Ubuntu) to find more.",
        "fi": "Voikko-sanasto:      ei käytettävissä: {reason}. Nimet löytyvät vain listaltasi sekä "
        "titteleistä ja rooleista; asenna libvoikko1 ja voikko-fi (Debian/Ubuntu) löytääksesi enemmän.",
    },
    "status.names": {"en": "Names on your list:  {count}", "fi": "Nimiä listallasi:    {count}"},
    "status.nudge.on": {
        "en": "Nudge while writing: on (turn off with 'nudge = false' in {config})",
        "fi": "Muistutus kirjoittaessa: päällä (pois päältä: 'nudge = false' tiedostossa {config})",
    },
    "status.nudge.off": {
        "en": "Nudge while writing: off ('nudge = false' in {config})",
        "fi": "Muistutus kirjoittaessa: pois päältä ('nudge = false' tiedostossa {config})",
    },
}


def t(lang: str, key: str, **values: object) -> str:
    return translate(MESSAGES, lang, key, **values)


def kinds(counts: dict[str, int], lang: str) -> str:
    """'name (2), phone number' / 'nimi (2), puhelinnumero'."""
    return ", ".join(
        t(lang, f"kind.{kind}") + (f" ({count})" if count > 1 else "") for kind, count in counts.items()
    )


def warn_identifiers(events: Iterable[object], lang: str) -> None:
    """One line on stderr when answers that were not asked about look like they identify someone."""
    from encounters_cli.coach.conversation import IdentifiersFound

    found = [event for event in events if isinstance(event, IdentifiersFound)]
    if not found:
        return
    totals: dict[str, int] = {}
    for event in found:
        for kind, count in event.counts.items():
            totals[kind] = totals.get(kind, 0) + count
    ids = ", ".join(f"'{event.question_id}'" for event in found)
    key = "nudge.warning.one" if len(found) == 1 else "nudge.warning.many"
    sys.stderr.write(f"encounters: {t(lang, key, ids=ids, kinds=kinds(totals, lang))}\n")
