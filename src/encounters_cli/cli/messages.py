"""Interface wording in both languages. Content (values, practices, prompts) lives in the catalogue."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "suggestions.title": {
        "en": "Suggested practices: they serve the values your recent encounters touched least.",
        "fi": "Ehdotetut harjoitukset vahvistavat arvoja, joita viimeaikaiset kohtaamisesi "
        "ovat koskettaneet vähiten.",
    },
    "suggestions.reason": {
        "en": "serves {values}: {count} of your last {window} encounters touched it",
        "fi": "vahvistaa: {values} – mukana {count}/{window} viimeaikaisessa kohtaamisessasi",
    },
    "suggestions.reason.empty": {
        "en": "serves {values}; a good place to start",
        "fi": "vahvistaa: {values} – hyvä paikka aloittaa",
    },
    "resurface.practice": {
        "en": "Last time you used this practice ({date}), your next step was: {step}",
        "fi": "Kun viimeksi käytit tätä harjoitusta ({date}), seuraava askeleesi oli: {step}",
    },
    "resurface.domain": {
        "en": "Last time here ({date}), your next step was: {step}",
        "fi": "Viimeksi tällä alalla ({date}) seuraava askeleesi oli: {step}",
    },
    "resurface.rated": {
        "en": "How it went, in your view: {ratings}",
        "fi": "Miten se sujui, oma arviosi: {ratings}",
    },
    "resurface.values": {"en": "It touched: {values}", "fi": "Se kosketti arvoja: {values}"},
    "open.waiting": {
        "en": "{count} prepared encounter(s) older than a day wait for a reflection: encounters reflect",
        "fi": "Reflektointia odottaa {count} yli vuorokauden vanhaa valmistelua: encounters reflect",
    },
    "card.why": {"en": "Why it matters", "fi": "Miksi tämä on tärkeää"},
    "card.steps": {"en": "Steps", "fi": "Näin toimit"},
    "card.values": {"en": "Values", "fi": "Arvot"},
    "card.domains": {"en": "Domains", "fi": "Palvelualat"},
    "card.all_domains": {"en": "all", "fi": "kaikki"},
    "card.before": {"en": "Before", "fi": "Ennen"},
    "card.after": {"en": "After", "fi": "Jälkeen"},
    "prompt.required": {"en": "required", "fi": "pakollinen"},
    "prompt.optional": {"en": "Enter to skip", "fi": "Enter ohittaa"},
    "prompt.default": {"en": "Enter for {default}", "fi": "Enter = {default}"},
    "prompt.long_text": {
        "en": "Write as many lines as you like; an empty line ends.",
        "fi": "Kirjoita niin monta riviä kuin haluat; tyhjä rivi lopettaa.",
    },
    "prompt.multi": {
        "en": "Numbers or ids separated by commas.",
        "fi": "Numerot tai tunnisteet pilkuilla erotettuina.",
    },
    "prompt.more": {
        "en": "  … and {count} more: type ? to see them all, or a practice id",
        "fi": "  … ja {count} muuta: ? näyttää kaikki, tai kirjoita harjoituksen tunniste",
    },
    "prompt.yes_no": {"en": "y/n", "fi": "k/e"},
    "prompt.confirm": {"en": "[y/N]", "fi": "[k/E]"},
    "answer.required": {"en": "this one needs an answer", "fi": "tähän tarvitaan vastaus"},
    "answer.text": {"en": "please write text", "fi": "kirjoita vastaus tekstinä"},
    "answer.option": {
        "en": "{value!r} is not one of the options; type its number",
        "fi": "{value!r} ei ole vaihtoehdoissa; kirjoita vaihtoehdon numero",
    },
    "answer.range": {
        "en": "type a whole number from {low} to {high}",
        "fi": "kirjoita kokonaisluku väliltä {low}–{high}",
    },
    "answer.yes_no": {"en": "answer y or n", "fi": "vastaa k tai e"},
    "prompt.invalid": {"en": "Please try again: {error}", "fi": "Yritä uudelleen: {error}"},
    "saved.prepare": {
        "en": "Prepared encounter {id} saved. After the encounter, run: encounters reflect {id}",
        "fi": "Valmistelu {id} tallennettu. Kohtaamisen jälkeen aja: encounters reflect {id}",
    },
    "saved.reflect": {
        "en": "Reflection {id} saved. Your next step is waiting in 'encounters show {id}'.",
        "fi": "Reflektio {id} tallennettu. Seuraava askeleesi löytyy: encounters show {id}",
    },
    "saved.log": {"en": "Logged {id}.", "fi": "Kirjattu {id}."},
    "draft.saved": {
        "en": "Stopped. Your answers so far are kept as a draft; the next '{flow}' offers to resume.",
        "fi": "Keskeytetty. Vastauksesi on tallessa luonnoksena; seuraava '{flow}' tarjoaa jatkamista.",
    },
    "draft.resumed": {"en": "Resuming your draft.", "fi": "Jatketaan luonnoksesta."},
    "summary.title": {"en": "Your reflection", "fi": "Reflektiosi"},
    "summary.next_step": {"en": "Next step", "fi": "Seuraava askel"},
    "summary.values": {"en": "Values touched", "fi": "Arvot, joita kohtaaminen kosketti"},
    "summary.ratings": {"en": "My perception (1–5)", "fi": "Oma arvioni (1–5)"},
    "list.empty": {
        "en": "No encounters yet. Start with 'encounters prepare' or 'encounters log \"...\"'.",
        "fi": "Ei vielä kohtaamisia. Aloita komennolla 'encounters prepare' tai 'encounters log \"...\"'.",
    },
    "search.empty": {"en": "Nothing matches.", "fi": "Ei osumia."},
    "col.id": {"en": "id", "fi": "tunniste"},
    "col.when": {"en": "when", "fi": "milloin"},
    "col.status": {"en": "status", "fi": "tila"},
    "col.domain": {"en": "domain", "fi": "ala"},
    "col.practices": {"en": "practices", "fi": "harjoitukset"},
    "col.values": {"en": "values", "fi": "arvot"},
    "col.about": {"en": "about", "fi": "aihe"},
    "col.kind": {"en": "kind", "fi": "laji"},
    "col.name": {"en": "name", "fi": "nimi"},
    "col.description": {"en": "description", "fi": "kuvaus"},
    "col.title": {"en": "title", "fi": "otsikko"},
    "status.prepared": {"en": "prepared", "fi": "valmisteltu"},
    "status.reflected": {"en": "reflected", "fi": "reflektoitu"},
    "status.logged": {"en": "logged", "fi": "kirjattu"},
    "kind.cornerstone": {"en": "cornerstone", "fi": "kulmakivi"},
    "kind.lifeline": {"en": "lifeline", "fi": "elämänlanka"},
    "kind.outcome": {"en": "outcome", "fi": "tulos"},
    "show.private": {"en": "private", "fi": "yksityinen"},
    "show.created": {"en": "created", "fi": "luotu"},
    "show.updated": {"en": "updated", "fi": "päivitetty"},
    "show.no_answer": {"en": "(no answer)", "fi": "(ei vastausta)"},
    "delete.confirm": {
        "en": "Delete encounter {id} ({when})? This cannot be undone.",
        "fi": "Poistetaanko kohtaaminen {id} ({when})? Poistoa ei voi perua.",
    },
    "delete.done": {"en": "Deleted {id}.", "fi": "Poistettu {id}."},
    "delete.kept": {"en": "Nothing deleted.", "fi": "Mitään ei poistettu."},
    "edit.saved": {"en": "Saved changes to {id}.", "fi": "Muutokset tallennettu: {id}."},
    "edit.unchanged": {"en": "No changes.", "fi": "Ei muutoksia."},
    "check.ok": {"en": "{count} file(s) checked: valid.", "fi": "{count} tiedosto(a) tarkistettu: kunnossa."},
}


def t(lang: str, key: str, **values: object) -> str:
    texts = MESSAGES[key]
    return texts.get(lang, texts["en"]).format(**values)
