"""Wording of `workshop handout` and `workshop summary` in the terminal, in English and Finnish."""

from __future__ import annotations

from encounters_cli.i18n import translate

MESSAGES: dict[str, dict[str, str]] = {
    # summary
    "summary.workshop": {"en": "Workshop {workshop}", "fi": "Työpaja {workshop}"},
    "summary.step": {"en": "Step {step}", "fi": "Vaihe {step}"},
    "summary.step_titled": {"en": "Step {title} ({step})", "fi": "Vaihe {title} ({step})"},
    "summary.no_step": {"en": "Outside any step", "fi": "Vaiheiden ulkopuolella"},
    "count.participants.one": {"en": "1 participant", "fi": "1 osallistuja"},
    "count.participants.many": {"en": "{n} participants", "fi": "{n} osallistujaa"},
    "count.entries.one": {"en": "1 entry", "fi": "1 merkintä"},
    "count.entries.many": {"en": "{n} entries", "fi": "{n} merkintää"},
    "count.files.one": {"en": "1 file", "fi": "1 tiedosto"},
    "count.files.many": {"en": "{n} files", "fi": "{n} tiedostoa"},
    "count.from.one": {"en": "from 1 participant", "fi": "1 osallistujalta"},
    "count.from.many": {"en": "from {n} participants", "fi": "{n} osallistujalta"},
    "summary.values": {
        "en": "Values chosen (participants who chose each, of {n})",
        "fi": "Valitut arvot (valinneet osallistujat, yhteensä {n})",
    },
    "summary.practices": {
        "en": "Practices chosen (participants who chose each, of {n})",
        "fi": "Valitut harjoitukset (valinneet osallistujat, yhteensä {n})",
    },
    "summary.of": {"en": "{count} of {n}", "fi": "{count}/{n}"},
    "summary.ratings": {
        "en": "Ratings, 1–5 (each participant's own perception)",
        "fi": "Arviot, 1–5 (kunkin osallistujan oma näkemys)",
    },
    "summary.mean": {"en": "mean", "fi": "ka."},
    "summary.questions": {"en": "Answers", "fi": "Vastaukset"},
    "summary.answered": {"en": "{n} answered", "fi": "vastanneita {n}"},
    "count.written.one": {
        "en": "1 written answer: counted here, not shown",
        "fi": "1 kirjoitettu vastaus: lasketaan mutta ei näytetä",
    },
    "count.written.many": {
        "en": "{n} written answers: counted here, not shown",
        "fi": "{n} kirjoitettua vastausta: lasketaan mutta ei näytetä",
    },
    "summary.nothing": {
        "en": "No values, practices, ratings or choices were recorded at this step.",
        "fi": "Tässä vaiheessa ei kirjattu arvoja, harjoituksia, arvioita eikä valintoja.",
    },
    "summary.skipped": {
        "en": "Skipped {path}: it is a data description, not an export.",
        "fi": "Ohitettiin {path}: se on aineiston kuvaus eikä vienti.",
    },
    "summary.duplicates": {
        "en": "{n} record(s) appeared in more than one file and were counted once.",
        "fi": "{n} tietuetta oli useammassa tiedostossa; ne laskettiin kerran.",
    },
    "summary.left_out": {
        "en": "{n} record(s) belong to no workshop or to another one and were left out.",
        "fi": "{n} tietuetta ei kuulu mihinkään työpajaan tai kuuluu toiseen, joten ne jätettiin pois.",
    },
    # handout
    "handout.written": {"en": "Handout written to {where}.", "fi": "Moniste kirjoitettu: {where}."},
    "handout.stdout": {"en": "standard output", "fi": "vakiotulosteeseen"},
    "handout.no_lang": {
        "en": "the script '{id}' is not written in '{asked}' (its languages: {languages}); leave out --lang "
        "or choose one of those",
        "fi": "käsikirjoitusta '{id}' ei ole kirjoitettu kielellä '{asked}' (sen kielet: {languages}); jätä "
        "--lang pois tai valitse jokin niistä",
    },
    "handout.html_terminal": {
        "en": "an HTML handout is a file: add --out FILE (or --out - to print it here anyway)",
        "fi": "HTML-moniste on tiedosto: lisää --out TIEDOSTO (tai --out -, jos haluat sen silti tähän)",
    },
}


def t(lang: str, key: str, **values: object) -> str:
    return translate(MESSAGES, lang, key, **values)


def counted(lang: str, what: str, n: int) -> str:
    """'1 entry' or '3 entries': the key ``count.<what>.one`` or ``.many``."""
    return t(lang, f"count.{what}.{'one' if n == 1 else 'many'}", n=n)
