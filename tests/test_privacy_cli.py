"""The privacy commands and the nudge without a terminal, through Typer's runner (stdin is no terminal).

Names here are invented; 'Testinen', 'Kuvitelma' and 'Fictive' are nobody.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from encounters_cli.cli.app import app
from encounters_cli.coach.conversation import IdentifiersFound, ScriptedConversation
from encounters_cli.coach.flows import Coach, log, prepare
from encounters_cli.errors import ConfigError
from encounters_cli.privacy.lexicon import Lexicon, reset_default_lexicon
from encounters_cli.storage import config, paths
from encounters_cli.storage.journal import Store

VOIKKO = Lexicon.load().available
needs_voikko = pytest.mark.skipif(not VOIKKO, reason="the Voikko lexicon is not installed here")


def run(*args: str, input: str | None = None) -> Result:
    result = CliRunner().invoke(app, list(args), input=input, env={"COLUMNS": "200"})
    assert "Traceback" not in result.stdout + result.stderr
    return result


def ok(*args: str, input: str | None = None) -> Result:
    result = run(*args, input=input)
    assert result.exit_code == 0, result.stderr
    return result


def journal() -> list[dict[str, Any]]:
    return json.loads(ok("list", "--json").stdout)


def answers(entry: dict[str, Any]) -> dict[str, Any]:
    return {answer["question_id"]: answer["answer"] for answer in entry["answers"]}


@pytest.fixture(autouse=True)
def _fresh_lexicon() -> Iterator[None]:
    reset_default_lexicon()  # tests below change ENCOUNTERS_VOIKKO
    yield
    reset_default_lexicon()


# --- privacy names -------------------------------------------------------------------------------


def test_names_add_list_and_remove() -> None:
    added = ok("privacy", "names", "add", "Veera Testinen", "Okafor")
    assert added.stdout == ""
    assert "Added 2; 2 on your list" in added.stderr
    again = ok("privacy", "names", "add", "okafor", "Oskari  Kuvitelma")  # any case; spaces collapse
    assert "Already on your list: okafor." in again.stderr
    assert "Added 1; 3 on your list" in again.stderr
    assert ok("privacy", "names", "list").stdout == "Veera Testinen\nOkafor\nOskari Kuvitelma\n"
    assert json.loads(ok("privacy", "names", "list", "--json").stdout) == [
        "Veera Testinen",
        "Okafor",
        "Oskari Kuvitelma",
    ]
    assert "Removed 2; 1 left" in ok("privacy", "names", "remove", "OKAFOR", "veera testinen").stderr
    assert ok("privacy", "names", "list").stdout == "Oskari Kuvitelma\n"


def test_removing_a_name_not_on_the_list_removes_nothing() -> None:
    ok("privacy", "names", "add", "Veera Testinen")
    result = run("privacy", "names", "remove", "Veera Testinen", "Nobody Fictive")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "encounters: error: 'Nobody Fictive' is not on your list of names "
        "(see 'encounters privacy names list')"
    ]
    assert ok("privacy", "names", "list").stdout == "Veera Testinen\n"


def test_an_empty_list_says_how_to_add_and_a_blank_name_is_a_usage_error() -> None:
    result = ok("privacy", "names", "list")
    assert result.stdout == ""
    assert "encounters privacy names add" in result.stderr
    assert ok("privacy", "names", "list", "--json").stdout == "[]\n"
    assert run("privacy", "names", "add", "  ").exit_code == 2


def test_finnish_messages() -> None:
    assert "Lisätty 1; listallasi on nyt 1" in ok("--lang", "fi", "privacy", "names", "add", "Okafor").stderr


def test_the_list_is_kept_in_the_journal_sealed() -> None:
    ok("privacy", "names", "add", "Veera Testinen")
    with Store.open(paths.journal_path()) as store:
        assert store.scrub_names() == ["Veera Testinen"]


# --- privacy check and status ----------------------------------------------------------------------


def test_check_prints_the_scrubbed_text_and_the_counts() -> None:
    ok("privacy", "names", "add", "Veera Testinen")
    result = ok("privacy", "check", "Soitin Testiselle numeroon 040 123 4567.")
    assert result.stdout == "Soitin [PERSON-1] numeroon [PHONE-1].\n"
    assert "Found: name, phone number." in result.stderr


def test_check_reads_standard_input_and_speaks_finnish() -> None:
    result = ok("--lang", "fi", "privacy", "check", input="Asiakas Kallio, puh. 040 123 4567\n")
    assert result.stdout == "Asiakas [PERSON-1], puh. [PHONE-1]\n"
    assert "Löytyi: nimi, puhelinnumero." in result.stderr


def test_check_json_and_nothing_found() -> None:
    report = json.loads(ok("privacy", "check", "--json", "Mr Fictive called.").stdout)
    assert report["text"] == "Mr [PERSON-1] called."
    assert report["counts"] == {"PERSON": 1}
    assert isinstance(report["lexicon"], bool)
    assert "Nothing found." in ok("privacy", "check", "Luottamus ja Helsinki.").stderr


def test_status_says_whether_voikko_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    ok("privacy", "names", "add", "Okafor")
    report = json.loads(ok("privacy", "status", "--json").stdout)
    assert report["lexicon"] is VOIKKO
    assert report["names"] == 1
    assert report["nudge"] is True
    monkeypatch.setenv("ENCOUNTERS_VOIKKO", "off")
    reset_default_lexicon()
    text = ok("privacy", "status").stdout
    assert "Voikko lexicon:      not available: turned off by ENCOUNTERS_VOIKKO" in text
    assert "Names on your list:  1" in text
    assert "Nudge while writing: on" in text
    assert "Without the Voikko lexicon" in ok("privacy", "check", "Soitin Mikolle.").stderr


# --- the nudge without a terminal ------------------------------------------------------------------

PREPARE = """
domain: library
practice: none
answers:
  label: help with a benefit form
  intention: Help client Dana Fictive with the form; her number is 040 123 4567.
  power: The rules are mine to explain.
"""


def test_an_answers_file_run_warns_in_one_line_and_keeps_the_text(tmp_path: Path) -> None:
    file = tmp_path / "prepare.yaml"
    file.write_text(PREPARE, encoding="utf-8")
    result = ok("prepare", "--answers", str(file))
    warnings = [line for line in result.stderr.splitlines() if "may identify" in line]
    assert warnings == [
        "encounters: note: the answer to 'intention' may identify someone (name, phone number); it was "
        "saved as written ('encounters privacy check' shows what is found)"
    ]
    assert "Dana" not in result.stderr  # the kinds, never the text
    [entry] = journal()
    assert (
        answers(entry)["intention"] == "Help client Dana Fictive with the form; her number is 040 123 4567."
    )


def test_the_nudge_can_be_turned_off_in_the_config(tmp_path: Path) -> None:
    config.save(config.Config(nudge=False))
    assert "nudge = false" in paths.config_path().read_text(encoding="utf-8")
    file = tmp_path / "prepare.yaml"
    file.write_text(PREPARE, encoding="utf-8")
    assert "may identify" not in ok("prepare", "--answers", str(file)).stderr
    assert "Nudge while writing: off" in ok("privacy", "status").stdout


def test_log_from_standard_input_warns_in_finnish() -> None:
    result = ok("--lang", "fi", "log", input="Soitin asiakkaalle, numero 040 123 4567.\n")
    assert (
        "encounters: huom: vastaus kysymykseen 'note' saattaa tunnistaa jonkun (puhelinnumero); se "
        "tallennettiin sellaisenaan" in result.stderr
    )
    [entry] = journal()
    assert answers(entry)["note"] == "Soitin asiakkaalle, numero 040 123 4567."


def test_log_without_identifiers_says_nothing_more() -> None:
    result = ok("log", "We read the form together.")
    assert "may identify" not in result.stderr


@pytest.mark.parametrize("value", ['"no"', "1"])
def test_a_nudge_setting_that_is_not_true_or_false_is_a_config_error(value: str) -> None:
    path = paths.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"nudge = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="nudge must be true or false"):
        config.load()
    assert run("privacy", "status").exit_code == 1


# --- the flows' hook --------------------------------------------------------------------------------


@pytest.fixture
def coach() -> Iterator[Coach]:
    from encounters_cli.catalogue.loader import load_catalogue

    with Store.open(paths.journal_path()) as store:
        yield Coach(catalogue=load_catalogue(), store=store, lang="en")


PREPARE_SCRIPT = {
    "domain": "library",
    "practice": "none",
    "label": "counter visit",
    "intention": "Ask client Dana Fictive what she needs.",
    "assumptions": None,
    "power": None,
    "voice": None,
    "lifeline": None,
}


def test_a_conversation_without_the_hook_hears_an_event_and_keeps_the_answer(coach: Coach) -> None:
    script = ScriptedConversation(dict(PREPARE_SCRIPT))
    encounter = prepare(coach, script)
    assert [(event.question_id, event.counts) for event in script.told(IdentifiersFound)] == [
        ("intention", {"PERSON": 1})
    ]
    stored = {answer.question_id: answer.answer for answer in encounter.answers}
    assert stored["intention"] == "Ask client Dana Fictive what she needs."


class Reviewing(ScriptedConversation):
    """A person who answers the nudge with ``choices``, and types ``retyped`` when asked again."""

    def __init__(self, script: dict[str, Any], choices: list[str], retyped: list[str]) -> None:
        super().__init__(script)
        self.choices = choices
        self.retyped = retyped
        self.reviewed: list[tuple[str, dict[str, int], str]] = []

    def ask(self, asked: Any) -> Any:
        if asked.id in self.asked and self.retyped:
            return asked.check(self.retyped.pop(0))
        return super().ask(asked)

    def review_identifiers(self, asked: Any, finding: Any) -> str:
        self.reviewed.append((asked.id, dict(finding.counts), finding.replaced))
        return self.choices.pop(0)


def test_replace_stores_the_placeholders(coach: Coach) -> None:
    conversation = Reviewing(dict(PREPARE_SCRIPT), ["replace"], [])
    encounter = prepare(coach, conversation)
    stored = {answer.question_id: answer.answer for answer in encounter.answers}
    assert stored["intention"] == "Ask client [PERSON-1] what she needs."
    assert conversation.reviewed == [("intention", {"PERSON": 1}, "Ask client [PERSON-1] what she needs.")]


def test_edit_asks_again_and_checks_the_new_answer(coach: Coach) -> None:
    conversation = Reviewing(
        dict(PREPARE_SCRIPT),
        ["edit", "keep"],
        ["Ask Mr Fictive again.", "Ask her what she needs."],
    )
    encounter = prepare(coach, conversation)
    stored = {answer.question_id: answer.answer for answer in encounter.answers}
    assert stored["intention"] == "Ask Mr Fictive again."  # edited, still a name, then kept
    assert [item[0] for item in conversation.reviewed] == ["intention", "intention"]


def test_listed_names_are_part_of_the_nudge(coach: Coach) -> None:
    coach.store.set_scrub_names(["Veera Testinen"])
    script = ScriptedConversation({**PREPARE_SCRIPT, "intention": "Call veeralle first."})
    prepare(coach, script)
    assert [event.counts for event in script.told(IdentifiersFound)] == [{"PERSON": 1}]


def test_no_nudge_when_the_coach_is_told_so(coach: Coach) -> None:
    coach.nudge = False
    script = ScriptedConversation(dict(PREPARE_SCRIPT))
    prepare(coach, script)
    assert script.told(IdentifiersFound) == []


def test_log_takes_the_nudge_only_with_a_conversation(coach: Coach) -> None:
    assert log(coach, "Called Mr Fictive.").answers[0].answer == "Called Mr Fictive."
    conversation = Reviewing({}, ["replace"], [])
    assert log(coach, "Called Mr Fictive.", conversation=conversation).answers[0].answer == (
        "Called Mr [PERSON-1]."
    )
