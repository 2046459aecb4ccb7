"""The wording of the workshop commands, in English and Finnish."""

from __future__ import annotations

from encounters_cli.i18n import translate

MESSAGES: dict[str, dict[str, str]] = {
    # running
    "run.header": {"en": "Step {number} of {total}", "fi": "Vaihe {number}/{total}"},
    "run.minutes": {"en": "about {minutes} min", "fi": "noin {minutes} min"},
    "run.begin": {"en": "Workshop", "fi": "Työpaja"},
    "run.participant": {"en": "Participant: {participant}", "fi": "Osallistuja: {participant}"},
    "run.from": {"en": "Starting from step {number}: {step}", "fi": "Aloitetaan vaiheesta {number}: {step}"},
    "run.notes": {"en": "Facilitator notes", "fi": "Ohjaajan muistiinpanot"},
    "run.pause": {"en": "Press Enter to go on", "fi": "Jatka painamalla Enter"},
    "run.saved": {
        "en": "Saved in your journal ({id}).",
        "fi": "Tallennettu päiväkirjaasi ({id}).",
    },
    "run.finished": {
        "en": "Workshop done (steps: {steps}, journal entries: {entries}). See the entries with:"
        " encounters list --workshop {workshop}",
        "fi": "Työpaja on käyty läpi (vaiheita: {steps}, päiväkirjamerkintöjä: {entries}). Näet merkinnät"
        " komennolla: encounters list --workshop {workshop}",
    },
    "run.interrupted": {
        "en": "Stopped. Your answers so far are kept (steps done: {steps}). To go on later:"
        " encounters workshop run {file} --from {step}",
        "fi": "Keskeytetty. Vastauksesi tähän asti on tallennettu (vaiheita tehty: {steps}). Jatka"
        " myöhemmin: encounters workshop run {file} --from {step}",
    },
    # steps
    "scenario.situation": {"en": "Situation", "fi": "Tilanne"},
    "scenario.roles": {"en": "Roles", "fi": "Roolit"},
    "scenario.task": {"en": "What to do", "fi": "Tehtävä"},
    "debrief.title": {"en": "For the whole group", "fi": "Koko ryhmälle"},
    "debrief.hint": {
        "en": "Talk these through together; they are not answered in the tool.",
        "fi": "Keskustelkaa näistä yhdessä; niihin ei vastata työkalussa.",
    },
    "timer.discuss": {"en": "Discuss", "fi": "Keskustelkaa"},
    "timer.hint": {"en": "Enter ends the timer early.", "fi": "Enter lopettaa ajastimen etuajassa."},
    "timer.left": {"en": "{time} left", "fi": "{time} jäljellä"},
    "timer.up": {"en": "Time is up.", "fi": "Aika on lopussa."},
    "timer.early": {"en": "Timer ended early.", "fi": "Ajastin lopetettiin etuajassa."},
    "timer.skipped": {
        "en": "Timer not run ({time}): no terminal or --no-timers.",
        "fi": "Ajastinta ei käynnistetty ({time}): ei päätettä tai --no-timers.",
    },
    # check, new, runs
    "check.ok": {
        "en": "{file}: a valid workshop script (steps: {steps}, about {minutes} min).",
        "fi": "{file}: kelvollinen työpajakäsikirjoitus (vaiheita: {steps}, noin {minutes} min).",
    },
    "check.problems": {"en": "problems found: {count}", "fi": "ongelmia löytyi: {count}"},
    "new.written": {
        "en": "Wrote {file}. Edit it, then check it with: encounters workshop check {file}",
        "fi": "Kirjoitettiin {file}. Muokkaa sitä ja tarkista se komennolla:"
        " encounters workshop check {file}",
    },
    "new.exists": {
        "en": "{file} exists already; give another --out, or --force to replace it",
        "fi": "{file} on jo olemassa; anna toinen --out tai korvaa se valitsimella --force",
    },
    "runs.none": {"en": "No workshop runs yet.", "fi": "Työpajoja ei ole vielä ajettu."},
    "runs.finished": {"en": "finished", "fi": "valmis"},
    "runs.interrupted": {"en": "interrupted", "fi": "keskeytetty"},
    "col.started": {"en": "Started", "fi": "Aloitettu"},
    "col.workshop": {"en": "Workshop", "fi": "Työpaja"},
    "col.title": {"en": "Title", "fi": "Nimi"},
    "col.participant": {"en": "Participant", "fi": "Osallistuja"},
    "col.steps": {"en": "Steps done", "fi": "Vaiheita tehty"},
    "col.status": {"en": "Status", "fi": "Tila"},
    "col.step": {"en": "Step", "fi": "Vaihe"},
    "col.question": {"en": "Question id", "fi": "Kysymyksen tunniste"},
    "col.type": {"en": "Type", "fi": "Tyyppi"},
    "col.required": {"en": "Required", "fi": "Pakollinen"},
    "col.options": {"en": "Options / range", "fi": "Vaihtoehdot / asteikko"},
    "col.prompt": {"en": "Question", "fi": "Kysymys"},
    "yes": {"en": "yes", "fi": "kyllä"},
    "options.many": {
        "en": "one of {count} ids (--json lists them)",
        "fi": "yksi {count} tunnisteesta (--json listaa ne)",
    },
}


def t(lang: str, key: str, **values: object) -> str:
    return translate(MESSAGES, lang, key, **values)
