"""Interface wording in both languages. Content (values, practices, prompts) lives in the catalogue."""

from __future__ import annotations

from encounters_cli.i18n import translate

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
    "backup.done": {"en": "Backed up the journal to {path}", "fi": "Päiväkirja varmuuskopioitu: {path}"},
    "restore.confirm": {
        "en": "Replace the journal {journal} with the backup {source}, which holds {count} encounter(s)?"
        " The current journal is kept beside it.",
        "fi": "Korvataanko päiväkirja {journal} varmuuskopiolla {source}, jossa on {count} kohtaamista?"
        " Nykyinen päiväkirja säilytetään sen vieressä.",
    },
    "restore.done": {
        "en": "Restored the journal {journal} from {source}; the previous journal is kept at {aside}",
        "fi": "Päiväkirja {journal} palautettu varmuuskopiosta {source}; edellinen on tallessa: {aside}",
    },
    "restore.done_new": {
        "en": "Restored the journal {journal} from {source}",
        "fi": "Päiväkirja {journal} palautettu varmuuskopiosta {source}",
    },
    "restore.kept": {
        "en": "Nothing restored; the journal is unchanged.",
        "fi": "Mitään ei palautettu; päiväkirja on ennallaan.",
    },
    "edit.saved": {"en": "Saved changes to {id}.", "fi": "Muutokset tallennettu: {id}."},
    "edit.unchanged": {"en": "No changes.", "fi": "Ei muutoksia."},
    "check.ok": {"en": "{count} file(s) checked: valid.", "fi": "{count} tiedosto(a) tarkistettu: kunnossa."},
    "insights.title": {"en": "Insights", "fi": "Näkymä omaan työhön"},
    "insights.encounters": {"en": "{total} encounters", "fi": "{total} kohtaamista"},
    "insights.values": {
        "en": "Values touched, per {unit}",
        "fi": "Arvot, joita kohtaamiset koskettivat ({unit})",
    },
    "insights.week": {"en": "week", "fi": "viikoittain"},
    "insights.month": {"en": "month", "fi": "kuukausittain"},
    "insights.total": {"en": "total", "fi": "yht."},
    "insights.ratings": {
        "en": "My perception of the lifelines (mean 1–5, number of ratings in brackets)",
        "fi": "Oma arvioni elämänlangoista (keskiarvo 1–5, arvioiden määrä suluissa)",
    },
    "insights.single": {"en": "one rating is not yet a trend", "fi": "yksi arvio ei vielä ole suunta"},
    "insights.no_ratings": {"en": "no ratings yet", "fi": "ei vielä arvioita"},
    "insights.practices": {"en": "Practices tried", "fi": "Kokeillut harjoitukset"},
    "insights.uses": {"en": "used", "fi": "käytetty"},
    "insights.with": {"en": "rated with it", "fi": "arvio sen kanssa"},
    "insights.without": {"en": "rated without it", "fi": "arvio ilman sitä"},
    "insights.no_practices": {
        "en": "No practices tried in this period.",
        "fi": "Ei kokeiltuja harjoituksia tällä jaksolla.",
    },
    "insights.open": {"en": "Prepared, not yet reflected on", "fi": "Valmisteltu, ei vielä reflektoitu"},
    "insights.days": {"en": "{days} d ago", "fi": "{days} pv sitten"},
    "insights.more": {
        "en": "… and {count} older ones (encounters list --open)",
        "fi": "… ja {count} vanhempaa (encounters list --open)",
    },
    "insights.pending": {
        "en": "Next steps no later reflection has followed up",
        "fi": "Seuraavat askeleet, joihin et ole vielä palannut",
    },
    "insights.suggest": {"en": "One thing to try", "fi": "Yksi asia kokeiltavaksi"},
    "insights.empty": {
        "en": "No encounters in this period yet. Start with 'encounters prepare' or 'encounters log'.",
        "fi": "Tällä jaksolla ei vielä ole kohtaamisia. "
        "Aloita komennolla 'encounters prepare' tai 'encounters log'.",
    },
    "report.written": {"en": "Report written to {where}.", "fi": "Raportti kirjoitettu: {where}"},
    "report.stdout": {"en": "standard output", "fi": "vakiotuloste"},
    "report.scrubbed": {
        "en": "Free text is included; replaced with placeholders: {counts}. No recogniser finds "
        "everything, so read the page before you share it.",
        "fi": "Vapaa teksti on mukana; merkinnöillä korvattu: {counts}. Mikään tunnistin ei löydä "
        "kaikkea, joten lue sivu ennen kuin jaat sen.",
    },
    "report.nothing": {"en": "nothing", "fi": "ei mitään"},
    "passphrase.ask": {"en": "Passphrase for {path}: ", "fi": "Tunnuslause ({path}): "},
    "passphrase.new": {
        "en": "New passphrase (at least {minimum} characters; a few words are best): ",
        "fi": "Uusi tunnuslause (vähintään {minimum} merkkiä; muutama sana on paras): ",
    },
    "passphrase.repeat": {"en": "The same again: ", "fi": "Sama uudelleen: "},
    "passphrase.mismatch": {
        "en": "The two did not match; once more.",
        "fi": "Tunnuslauseet eivät täsmänneet; vielä kerran.",
    },
    "passphrase.too_short": {
        "en": "Too short: at least {minimum} characters.",
        "fi": "Liian lyhyt: vähintään {minimum} merkkiä.",
    },
    "security.encrypted": {
        "en": "Encrypted {path}: labels, answers and drafts now need the passphrase. A forgotten "
        "passphrase cannot be recovered. Copies and backups made earlier still hold the text unencrypted.",
        "fi": "{path} on salattu: otsikot, vastaukset ja luonnokset vaativat nyt tunnuslauseen. "
        "Unohdettua tunnuslausetta ei voi palauttaa. Aiemmin tehdyissä kopioissa ja varmuuskopioissa "
        "teksti on yhä salaamatta.",
    },
    "security.decrypted": {
        "en": "Decrypted {path}: its text is stored unencrypted again.",
        "fi": "{path} on purettu: sen teksti tallennetaan taas salaamatta.",
    },
    "security.changed": {
        "en": "Changed the passphrase of {path}. The entries were not re-encrypted, so a copy made "
        "earlier still opens with the old passphrase.",
        "fi": "Tunnuslause vaihdettu ({path}). Merkintöjä ei salattu uudelleen, joten aiemmin tehty "
        "kopio aukeaa yhä vanhalla tunnuslauseella.",
    },
    "security.remembered": {
        "en": "The passphrase is kept in the system keyring.",
        "fi": "Tunnuslause on tallessa järjestelmän avainnipussa.",
    },
    "security.not_scrubbed": {
        "en": "Another encounters session has the journal open, so old pages stay in its write-ahead "
        "log until every session has ended.",
        "fi": "Toinen encounters-istunto pitää päiväkirjaa auki, joten vanhat sivut jäävät sen "
        "lokitiedostoon, kunnes kaikki istunnot ovat päättyneet.",
    },
}


def t(lang: str, key: str, **values: object) -> str:
    return translate(MESSAGES, lang, key, **values)
