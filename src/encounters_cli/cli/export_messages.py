"""Wording of `encounters export` and `encounters import`, in English and Finnish."""

from __future__ import annotations

from encounters_cli.i18n import translate

MESSAGES: dict[str, dict[str, str]] = {
    "export.written": {
        "en": "Wrote {count} encounter(s) to {where}.",
        "fi": "Kirjoitettiin {count} kohtaamista: {where}.",
    },
    "export.written.sidecar": {
        "en": "Wrote {count} encounter(s) to {where}; the data description is in {sidecar}.",
        "fi": "Kirjoitettiin {count} kohtaamista: {where}. Aineiston kuvaus: {sidecar}.",
    },
    "export.stdout": {"en": "standard output", "fi": "vakiotulosteeseen"},
    "export.anonymised": {
        "en": "Anonymised: {exported} exported, {private} private left out, {suppressed} suppressed;"
        " generalised: {generalised}; identifiers replaced: {replaced}.",
        "fi": "Anonymisoitu: {exported} viety, {private} yksityistä jätetty pois, {suppressed} poistettu;"
        " yleistetty: {generalised}; korvatut tunnisteet: {replaced}.",
    },
    "export.none": {"en": "none", "fi": "ei yhtään"},
    "export.progress": {"en": "Exporting", "fi": "Viedään"},
    "export.not_written": {
        "en": "Nothing was written.",
        "fi": "Mitään ei kirjoitettu.",
    },
    "preview.title": {
        "en": "Preview of the anonymised export of {count} encounter(s); nothing is written yet.",
        "fi": "Esikatselu {count} kohtaamisen anonymisoidusta viennistä; mitään ei ole vielä kirjoitettu.",
    },
    "preview.identifiers": {
        "en": "Identifiers replaced with placeholders: {counts}",
        "fi": "Paikkamerkeillä korvatut tunnisteet: {counts}",
    },
    "preview.left_out": {
        "en": "Left out: {private} private, {suppressed} suppressed (combinations shared by fewer than {k})",
        "fi": "Jätetty pois: {private} yksityistä, {suppressed} poistettua (yhdistelmiä, joita on alle {k})",
    },
    "preview.generalised": {"en": "Generalised: {counts}", "fi": "Yleistetty: {counts}"},
    "preview.exported": {
        "en": "Entries in the export: {exported}",
        "fi": "Vientiin tulevat merkinnät: {exported}",
    },
    "preview.examples": {
        "en": "Examples of replaced text (read them: names the tool does not know can remain):",
        "fi": "Esimerkkejä korvatusta tekstistä (lue ne: työkalulle tuntemattomia nimiä voi jäädä):",
    },
    "preview.confirm": {"en": "Write the export?", "fi": "Kirjoitetaanko vienti?"},
    "study_key.ask": {
        "en": "Study key (from your researcher; not shown as you type): ",
        "fi": "Tutkimusavain (saat sen tutkijalta; ei näy kirjoittaessa): ",
    },
    "study_key.missing": {
        "en": "give --study-key KEY (the key your researcher gave you): there is no terminal to ask for it",
        "fi": "anna --study-key AVAIN (tutkijalta saamasi avain): päätettä, jolta sitä kysyisi, ei ole",
    },
    "study_key.empty": {
        "en": "no study key was given; nothing was written",
        "fi": "tutkimusavainta ei annettu; mitään ei kirjoitettu",
    },
    "option.needs_anonymise": {
        "en": "{option} only goes with --anonymise",
        "fi": "{option} kuuluu yhteen valitsimen --anonymise kanssa",
    },
    "option.wide_csv": {
        "en": "--wide only goes with --format csv",
        "fi": "--wide kuuluu yhteen valitsimen --format csv kanssa",
    },
    "option.jobs": {
        "en": "--jobs must be 1 or more, not {jobs}",
        "fi": "valitsimen --jobs arvon on oltava vähintään 1 (nyt {jobs})",
    },
    "option.format": {
        "en": "unknown format '{name}' (choose from {choices})",
        "fi": "tuntematon muoto '{name}' (vaihtoehdot: {choices})",
    },
    "import.done": {
        "en": "Imported {added} encounter(s) from {file}; {skipped} already in the journal were skipped.",
        "fi": "Tuotiin {added} kohtaamista tiedostosta {file}; {skipped} jo päiväkirjassa ollutta"
        " ohitettiin.",
    },
    "import.progress": {"en": "Importing", "fi": "Tuodaan"},
}


def t(lang: str, key: str, **values: object) -> str:
    return translate(MESSAGES, lang, key, **values)
