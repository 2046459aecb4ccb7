"""The nudge while writing, in a real pseudo-terminal: replace, keep and type again; English and Finnish.

Names are found here by a title or a role ('Mr Fictive', 'asiakas Kallion'), so these tests do not
depend on the Voikko lexicon being installed. Every step waits for the text before typing; nothing
sleeps.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pexpect
import pytest

from encounters_cli.catalogue.loader import load_catalogue
from encounters_cli.coach.answers import pick_wording

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")

TIMEOUT = 20
CATALOGUE = load_catalogue()
RUNNING: list[Any] = []


@pytest.fixture
def env(isolated_home: Path) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(COLUMNS="100", LINES="50", TERM="dumb", NO_COLOR="1")
    environment.pop("FORCE_COLOR", None)
    return environment


@pytest.fixture(autouse=True)
def _no_process_left_behind() -> Iterator[None]:
    yield
    while RUNNING:
        child = RUNNING.pop()
        if child.isalive():
            child.terminate(force=True)


class Person:
    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "encounters_cli", *args],
            env=env,
            encoding="utf-8",
            timeout=TIMEOUT,
            dimensions=(50, 100),
        )
        self.child.delaybeforesend = None
        RUNNING.append(self.child)

    def sees(self, text: str) -> str:
        self.child.expect_exact(text)
        return self.child.before

    def answers(self, question: str, *lines: str) -> str:
        before = self.sees(question)
        self.sees("> ")
        self.child.sendline(lines[0] if lines else "")
        for line in lines[1:]:
            self.sees("… ")
            self.child.sendline(line)
        return before

    def chooses(self, choice: str) -> None:
        self.sees("> ")
        self.child.sendline(choice)

    def done(self) -> int:
        self.child.expect(pexpect.EOF)
        self.child.close()
        return self.child.exitstatus


def journal(env: dict[str, str]) -> list[dict[str, Any]]:
    result = subprocess.run(
        [sys.executable, "-m", "encounters_cli", "list", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=TIMEOUT,
    )
    return json.loads(result.stdout)


def stored(entry: dict[str, Any]) -> dict[str, Any]:
    return {answer["question_id"]: answer["answer"] for answer in entry["answers"]}


def wording(set_id: str, question_id: str, lang: str = "en", turn: int = 0) -> str:
    question = next(q for q in CATALOGUE.question_set(set_id).questions if q.id == question_id)
    return pick_wording(question, lang, turn)[:30]


def test_log_replaces_with_placeholders_on_enter(env: dict[str, str]) -> None:
    person = Person(env, "log")
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
    [entry] = journal(env)
    assert stored(entry)["note"] == "Called Mr [PERSON-1] on [PHONE-1]."


def test_prepare_keeps_an_answer_when_asked_to(env: dict[str, str]) -> None:
    person = Person(env, "prepare")
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
    [entry] = journal(env)
    assert entry["label"] == "visit with Mr Fictive"
    assert stored(entry)["intention"] == "Listen first."  # no identifier, no question


def test_prepare_in_finnish_types_the_answer_again(env: dict[str, str]) -> None:
    person = Person(env, "--lang", "fi", "prepare")
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
    [entry] = journal(env)
    assert stored(entry)["intention"] == "Sovitaan seuraavat askeleet yhdessä."


def test_no_nudge_at_the_terminal_when_it_is_off(env: dict[str, str], isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").write_text("nudge = false\n", encoding="utf-8")
    person = Person(env, "log")
    person.answers("What happened, and what did you notice?", "Called Mr Fictive.", "")
    before = person.sees("Logged")
    assert "may identify" not in before
    assert person.done() == 0
    [entry] = journal(env)
    assert stored(entry)["note"] == "Called Mr Fictive."
