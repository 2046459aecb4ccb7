"""The nudge while writing, in a real pseudo-terminal: replace, keep and type again; English and Finnish.

Names are found here by a title or a role ('Mr Fictive', 'asiakas Kallion'), so these tests do not
depend on the Voikko lexicon being installed. Every step waits for the text before typing; nothing
sleeps.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from encounters_cli.catalogue.loader import load_catalogue
from encounters_cli.coach.answers import pick_wording
from terminal import Person, encounters_json

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")

CATALOGUE = load_catalogue()


def journal(terminal_env: dict[str, str]) -> list[dict[str, Any]]:
    return encounters_json(terminal_env, "list", "--json")


def stored(entry: dict[str, Any]) -> dict[str, Any]:
    return {answer["question_id"]: answer["answer"] for answer in entry["answers"]}


def wording(set_id: str, question_id: str, lang: str = "en", turn: int = 0) -> str:
    question = next(q for q in CATALOGUE.question_set(set_id).questions if q.id == question_id)
    return pick_wording(question, lang, turn)[:30]


def test_log_replaces_with_placeholders_on_enter(terminal_env: dict[str, str]) -> None:
    person = Person(terminal_env, "log")
    person.answers("What happened, and what did you notice?", "Called Mr Fictive on 040 123 4567.", "")
    person.sees("This answer may identify someone: name, phone number.")
    person.sees("With placeholders: Called Mr [PERSON-1] on [PHONE-1].")
    person.sees("1. replace them with placeholders")
    person.sees("2. keep the answer as written")
    person.sees("3. type the answer again")
    person.sees("Enter for 1")
    person.chooses("")
    person.sees("Replaced with placeholders.")
    person.sees("Logged")
    assert person.done() == 0
    [entry] = journal(terminal_env)
    assert stored(entry)["note"] == "Called Mr [PERSON-1] on [PHONE-1]."


def test_prepare_keeps_an_answer_when_asked_to(terminal_env: dict[str, str]) -> None:
    person = Person(terminal_env, "prepare")
    person.answers("Where is the encounter?", "6")
    person.answers("Which practice will you try?", "no practice this time")
    person.answers("Give this encounter a short label", "visit with Mr Fictive")
    person.sees("This answer may identify someone: name.")
    person.chooses("2")
    person.answers(wording("prepare", "intention"), "Listen first.", "")
    person.answers(wording("prepare", "assumptions"), "")
    person.answers(wording("prepare", "power"), "")
    person.answers(wording("prepare", "voice"), "")
    person.answers("Which lifeline", "")
    person.sees("Prepared encounter")
    assert person.done() == 0
    [entry] = journal(terminal_env)
    assert entry["label"] == "visit with Mr Fictive"
    assert stored(entry)["intention"] == "Listen first."  # no identifier, no question


def test_prepare_in_finnish_types_the_answer_again(terminal_env: dict[str, str]) -> None:
    person = Person(terminal_env, "--lang", "fi", "prepare")
    person.answers("Missä kohtaaminen tapahtuu?", "2")
    person.answers("Minkä harjoituksen otat käyttöön?", "ei harjoitusta tällä kertaa")
    person.answers("Anna kohtaamiselle lyhyt nimi", "vanhempaintapaaminen")
    intention = wording("prepare", "intention", "fi")
    person.answers(intention, "Sovitaan asiakas Kallion kanssa, puh. 040 123 4567.", "")
    person.sees("Vastaus saattaa tunnistaa jonkun: nimi, puhelinnumero.")
    person.sees("Paikkamerkein: Sovitaan asiakas [PERSON-1] kanssa, puh. [PHONE-1].")
    person.sees("3. kirjoita vastaus uudelleen")
    person.sees("Enter = 1")
    person.chooses("väärin")
    person.sees("Yritä uudelleen: 1, 2 tai 3")
    person.chooses("kirjoita")
    person.answers(intention, "Sovitaan seuraavat askeleet yhdessä.", "")  # asked again, checked again
    person.answers(wording("prepare", "assumptions", "fi"), "")
    person.answers(wording("prepare", "power", "fi"), "")
    person.answers(wording("prepare", "voice", "fi"), "")
    person.answers("Mihin elämänlankaan", "")
    person.sees("tallennettu")
    assert person.done() == 0
    [entry] = journal(terminal_env)
    assert stored(entry)["intention"] == "Sovitaan seuraavat askeleet yhdessä."


def test_no_nudge_at_the_terminal_when_it_is_off(terminal_env: dict[str, str], isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").write_text("nudge = false\n", encoding="utf-8")
    person = Person(terminal_env, "log")
    person.answers("What happened, and what did you notice?", "Called Mr Fictive.", "")
    before = person.sees("Logged")
    assert "may identify" not in before
    assert person.done() == 0
    [entry] = journal(terminal_env)
    assert stored(entry)["note"] == "Called Mr Fictive."
