"""End to end in a real pseudo-terminal: a person prepares, reflects, stops halfway and deletes.

Every step waits for the prompt text before typing, as a person would; nothing sleeps.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from encounters_cli.catalogue.loader import load_catalogue
from encounters_cli.catalogue.models import Catalogue, Question
from encounters_cli.coach.answers import pick_wording
from terminal import TIMEOUT, Person, encounters_json

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def journal(terminal_env: dict[str, str]) -> list[dict[str, Any]]:
    return encounters_json(terminal_env, "list", "--json")


def wording(catalogue: Catalogue, set_id: str, question_id: str, turn: int, lang: str = "en") -> str:
    """The start of a question as the coach words it this time (wordings rotate; lines wrap at 80)."""
    question = next(q for q in catalogue.question_set(set_id).questions if q.id == question_id)
    return pick_wording(question, lang, turn)[:30]


def typed_answer(question: Question) -> tuple[str, ...]:
    """What a person types for a practice's own question: something that fits its type."""
    return {
        "long_text": ("A line for the practice question.", ""),
        "text": ("A short answer.",),
        "yes_no": ("y",),
        "choice": ("1",),
        "multi_choice": ("1",),
        "scale": ("3",),
    }[question.type]


def test_prepare_then_reflect_as_a_person_would(terminal_env: dict[str, str], catalogue: Catalogue) -> None:
    person = Person(terminal_env, "prepare")
    person.answers("Where is the encounter?", "6")  # Library, chosen by number
    person.sees("Which practice will you try?")
    person.child.expect(r"2\. (.+?)  \[([a-z0-9-]+)\]")
    title, practice_id = person.child.match.group(1), person.child.match.group(2)
    person.sees("a good place to start")  # every suggestion says why it is there
    person.child.sendline("2")  # the second suggestion
    person.sees(title)  # the practice card
    person.sees("Steps")
    person.answers("Give this encounter a short label", "counter visit about a form")
    person.answers(wording(catalogue, "prepare", "intention", 0), "Line one.", "Line two.", "")
    person.answers(wording(catalogue, "prepare", "assumptions", 0), "")
    person.answers(wording(catalogue, "prepare", "power", 0), "The rules are mine to explain.", "")
    person.answers(wording(catalogue, "prepare", "voice", 0), "")
    person.answers("Which lifeline", "3")  # Knowledge
    for question in catalogue.practice_questions(practice_id, "before"):
        person.answers(question.prompt.en[:30], *typed_answer(question))
    saved = person.sees("After the encounter, run: encounters reflect")
    assert "Prepared encounter" in saved
    assert person.done() == 0

    [entry] = journal(terminal_env)
    assert entry["status"] == "prepared"
    assert entry["domain"] == "library"
    assert entry["practices"] == [practice_id]

    person = Person(terminal_env, "reflect")
    person.sees("Which encounter are you reflecting on?")
    options = person.sees("> ")
    assert "counter visit about a form · Line one. Line two." in options  # the intention is shown
    assert "a new encounter" in options
    person.child.sendline("1")
    person.answers(wording(catalogue, "reflect", "what", 1), "We went through the form.", "")
    person.answers(wording(catalogue, "reflect", "feelings", 1), "")
    person.answers(wording(catalogue, "reflect", "their-experience", 1), "They smiled at the end.", "")
    person.answers(wording(catalogue, "reflect", "so-what", 1), "They chose where to start.", "")
    for question in catalogue.practice_questions(practice_id, "after"):
        person.answers(question.prompt.en[:30], *typed_answer(question))
    person.answers("Which values did this encounter touch?", "4, 5")  # Trust, Knowledge
    person.answers("My perception: how well was participation", "")
    person.answers("My perception: how well was trust", "9")
    person.answers("Please try again", "4")  # a typo is asked again, not saved
    person.answers("My perception: how well was knowledge", "5")
    person.answers("My perception: how fairly", "")
    person.answers(wording(catalogue, "reflect", "next-step", 1), "Ask what they know first.")
    summary = person.sees("Reflection ")
    assert "Next step: Ask what they know first." in summary
    assert person.done() == 0

    [entry] = journal(terminal_env)
    assert entry["status"] == "reflected"
    assert entry["label"] == "counter visit about a form"
    assert entry["values"] == ["trust", "knowledge"]
    assert entry["ratings"] == {"trust": 4, "knowledge": 5}
    answers = {answer["question_id"]: answer["answer"] for answer in entry["answers"]}
    assert answers["intention"] == "Line one.\nLine two."
    assert answers["power"] == "The rules are mine to explain."
    assert answers["assumptions"] is None
    assert answers["lifeline"] == "knowledge"
    assert answers["what"] == "We went through the form."
    assert answers["next-step"] == "Ask what they know first."
    assert entry["answers"][-1]["question_id"] == "next-step"
    assert {answer["phase"] for answer in entry["answers"]} == {"before", "after"}


def test_prepare_in_finnish(terminal_env: dict[str, str], catalogue: Catalogue) -> None:
    person = Person(terminal_env, "--lang", "fi", "prepare")
    person.answers("Missä kohtaaminen tapahtuu?", "2")  # Koulu
    person.sees("Minkä harjoituksen otat käyttöön?")
    person.sees("ei harjoitusta tällä kertaa")
    person.child.sendline("4")
    person.answers("Anna kohtaamiselle lyhyt nimi", "vanhempaintapaaminen")
    person.answers(
        wording(catalogue, "prepare", "intention", 0, "fi"), "Sovitaan yhdessä seuraavat askeleet.", ""
    )
    person.answers(wording(catalogue, "prepare", "assumptions", 0, "fi"), "")
    person.answers(wording(catalogue, "prepare", "power", 0, "fi"), "")
    person.answers(wording(catalogue, "prepare", "voice", 0, "fi"), "Lapsen ääni.", "")
    person.answers("Mihin elämänlankaan", "luotto")
    person.sees("Yritä uudelleen: 'luotto' ei ole vaihtoehdoissa")  # re-asked in the person's language
    person.child.sendline("Luottamus")  # an option by its name works as well
    assert "Valmistelu" in person.sees("tallennettu")
    assert person.done() == 0

    [entry] = journal(terminal_env)
    assert entry["lang"] == "fi"
    assert entry["domain"] == "school"
    assert entry["practices"] == []
    answers = {answer["question_id"]: answer for answer in entry["answers"]}
    assert answers["intention"]["answer"] == "Sovitaan yhdessä seuraavat askeleet."
    assert answers["intention"]["question"].startswith("Mitä haluat")
    assert answers["lifeline"]["answer"] == "trust"


@pytest.mark.parametrize("stop", ["ctrl-c", "ctrl-d"])
def test_stopping_halfway_keeps_a_draft_that_the_next_prepare_resumes(
    terminal_env: dict[str, str], catalogue: Catalogue, stop: str
) -> None:
    person = Person(terminal_env, "prepare")
    person.answers("Where is the encounter?", "6")
    person.answers("Which practice will you try?", "4")  # no practice this time
    person.answers("Give this encounter a short label", "phone call about opening hours")
    person.answers(wording(catalogue, "prepare", "intention", 0), "Kept in the draft.", "")
    person.sees(wording(catalogue, "prepare", "assumptions", 0))
    person.sees("> ")
    if stop == "ctrl-c":
        person.child.sendintr()
    else:
        person.child.sendeof()
    person.sees("kept as a draft")
    assert person.done() == 130
    assert journal(terminal_env) == []

    person = Person(terminal_env, "prepare")
    person.answers("You have an unfinished prepare (2 answers). Resume it?", "1")
    person.sees("Resuming your draft.")
    # the label and the intention are not asked again: the next question is the one interrupted
    before = person.answers(wording(catalogue, "prepare", "assumptions", 0), "")
    assert "Give this encounter a short label" not in before
    assert "Where is the encounter?" not in before
    person.answers(wording(catalogue, "prepare", "power", 0), "")
    person.answers(wording(catalogue, "prepare", "voice", 0), "")
    person.answers("Which lifeline", "")
    person.sees("Prepared encounter")
    assert person.done() == 0

    [entry] = journal(terminal_env)
    assert entry["domain"] == "library"
    assert entry["label"] == "phone call about opening hours"
    answers = {answer["question_id"]: answer["answer"] for answer in entry["answers"]}
    assert answers["intention"] == "Kept in the draft."

    person = Person(terminal_env, "prepare")  # the draft is gone once used
    person.sees("Where is the encounter?")
    person.child.sendintr()
    assert person.done() == 130


def test_typed_text_reaches_the_terminal_inert(terminal_env: dict[str, str], tmp_path: Path) -> None:
    """Escape sequences in a label or an intention are shown as text, never sent to the terminal."""
    answers = tmp_path / "prepare.json"
    answers.write_text(
        json.dumps({"answers": {"label": "[bold]lbl[/bold]\x1b[31m", "intention": "go \x1b[2J here"}}),
        encoding="utf-8",
    )
    subprocess.run(
        [sys.executable, "-m", "encounters_cli", "prepare", "--answers", str(answers)],
        env=terminal_env,
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    person = Person(terminal_env, "reflect")
    person.sees("Which encounter are you reflecting on?")
    options = person.sees("> ")
    assert "[bold]lbl[/bold]\\x1b[31m" in options
    assert "go \\x1b[2J here" in options
    assert "\x1b" not in options
    person.child.sendintr()
    assert person.done() == 130


def test_delete_asks_first(terminal_env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "encounters_cli", "log", "A note to delete."],
        env=terminal_env,
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    [entry] = journal(terminal_env)
    short = entry["id"][:8]

    person = Person(terminal_env, "delete", short)
    person.sees(f"Delete encounter {short}")
    person.sees("[y/N] ")
    person.child.sendline("n")
    person.sees("Nothing deleted.")
    assert person.done() == 0
    assert [item["id"] for item in journal(terminal_env)] == [entry["id"]]

    person = Person(terminal_env, "delete", short)
    person.sees("[y/N] ")
    person.child.sendline("y")
    person.sees(f"Deleted {short}.")
    assert person.done() == 0
    assert journal(terminal_env) == []


def test_delete_asks_first_in_finnish(terminal_env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "encounters_cli", "log", "Poistettava merkintä."],
        env=terminal_env,
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    [entry] = journal(terminal_env)
    short = entry["id"][:8]

    person = Person(terminal_env, "--lang", "fi", "delete", short)
    person.sees(f"Poistetaanko kohtaaminen {short}")
    person.sees("[k/E] ")
    person.child.sendline("e")
    person.sees("Mitään ei poistettu.")
    assert person.done() == 0
    assert len(journal(terminal_env)) == 1

    person = Person(terminal_env, "--lang", "fi", "delete", short)
    person.sees("[k/E] ")
    person.child.sendline("kyllä")
    person.sees(f"Poistettu {short}.")
    assert person.done() == 0
    assert journal(terminal_env) == []


def test_delete_takes_enter_or_end_of_input_as_no(terminal_env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "encounters_cli", "log", "A note to keep."],
        env=terminal_env,
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    [entry] = journal(terminal_env)
    for keys in ("\r", None):
        person = Person(terminal_env, "delete", entry["id"][:8])
        person.sees("[y/N] ")
        if keys is None:
            person.child.sendeof()
        else:
            person.child.send(keys)
        person.sees("Nothing deleted.")
        assert person.done() == 0
    assert len(journal(terminal_env)) == 1
