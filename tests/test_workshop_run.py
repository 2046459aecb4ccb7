"""Running workshops without a terminal: answers files, what lands in the journal, the runs, the runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from encounters_cli.cli.app import app
from encounters_cli.coach.conversation import ScriptedConversation
from encounters_cli.errors import InterruptedFlow, NotFoundError
from encounters_cli.storage import paths
from encounters_cli.storage.journal import Store
from encounters_cli.storage.records import Filter
from encounters_cli.workshop.loader import load_workshop
from encounters_cli.workshop.runner import Runner

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "workshops"
SCRIPTS = sorted(path for path in EXAMPLES.glob("*.yaml") if not path.name.endswith(".answers.yaml"))


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert "Traceback" not in result.stdout + result.stderr
    return result


def ok(*args: str) -> Result:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return result


def fails(code: int, *args: str) -> str:
    """A command that must fail with ``code``: one line on stderr, nothing on stdout; the line."""
    result = run(*args)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("encounters: error: ")
    return lines[0]


def answers_of(path: Path) -> Path:
    return path.with_name(path.stem + ".answers.yaml")


def entries(*args: str) -> list[dict[str, Any]]:
    return json.loads(ok("list", "--json", *args).stdout)


def runs(*args: str) -> list[dict[str, Any]]:
    return json.loads(ok("workshop", "runs", "--json", *args).stdout)


@pytest.fixture
def journal() -> Iterator[Store]:
    with Store.open(paths.journal_path()) as store:
        yield store


# --- every example, end to end ------------------------------------------------------------------------


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda path: path.stem)
def test_every_example_runs_with_its_answers_file(path: Path) -> None:
    script = yaml.safe_load(path.read_text(encoding="utf-8"))
    given = yaml.safe_load(answers_of(path).read_text(encoding="utf-8"))
    result = ok("workshop", "run", str(path), "--answers", str(answers_of(path)), "--participant", "laptop 7")
    [run_record] = runs()
    assert result.stdout == run_record["id"] + "\n"  # the run id for scripts, when stdout is not a terminal
    assert run_record["workshop_id"] == script["id"]
    assert run_record["status"] == "finished"
    assert run_record["finished_at"] is not None
    assert run_record["participant"] == "laptop 7"
    assert run_record["steps"] == [step["id"] for step in script["steps"]]  # every step, in order

    saved = entries("--workshop", script["id"])
    kinds = {
        step["id"]: next(k for k in ("ask", "choose") if k in step)
        for step in script["steps"]
        if "ask" in step or "choose" in step
    }
    assert sorted(entry["workshop_step"] for entry in saved) == sorted(kinds)
    for entry in saved:
        assert entry["status"] == "logged"
        assert entry["workshop"] == script["id"]
        assert entry["domain"] == script.get("domain")
        step_answers = given.get(entry["workshop_step"])
        if kinds[entry["workshop_step"]] == "choose":
            [answer] = entry["answers"]
            assert answer["answer"] == step_answers
            assert step_answers in entry["practices"] + entry["values"]
            continue
        stored = {answer["question_id"]: answer["answer"] for answer in entry["answers"]}
        for question_id, value in step_answers.items():
            expected = (
                " ".join(value.split()) if isinstance(value, str) and "\n" not in value.strip() else value
            )
            if isinstance(expected, str):
                expected = expected.strip()
            assert stored[question_id] == expected, question_id


def test_answers_land_in_the_journal_tagged_with_values_ratings_and_practices() -> None:
    path = EXAMPLES / "school-staff-intro.yaml"
    ok("workshop", "run", str(path), "--answers", str(answers_of(path)))
    by_step = {entry["workshop_step"]: entry for entry in entries("--workshop", "school-staff-intro")}

    reflect = by_step["reflect"]
    assert reflect["values"] == ["trust", "participation"]  # from the question with role 'values'
    assert reflect["ratings"] == {"participation": 2}  # from the question with role 'rating'
    assert reflect["practices"] == ["invite-the-quiet-voices"]  # its questions were asked
    assert reflect["label"] == "Democracy in the corridor · What did we see?"
    assert reflect["lang"] == "en"
    answers = {answer["question_id"]: answer for answer in reflect["answers"]}
    assert answers["invite-the-quiet-voices.heard"]["answer"] is False
    assert answers["rating-participation"]["role"] == "rating"
    assert answers["observed"]["question"] == (
        "What did you notice in the role-play about who was heard and who decided?"
    )

    choice = by_step["my-practice"]
    assert choice["practices"] == ["invite-the-quiet-voices"]
    assert choice["values"] == ["participation", "equality"]  # the chosen practice's values
    assert choice["answers"][0]["question_id"] == "my-practice"

    commitment = by_step["commitment"]  # questions from the pack's question set
    assert {answer["question_id"] for answer in commitment["answers"]} == {"situation", "sign"}
    assert commitment["label"] == "Democracy in the corridor · commitment"


def test_a_finnish_script_runs_in_finnish_whatever_the_content_language() -> None:
    path = EXAMPLES / "luottamus-ja-oikeudenmukaisuus.yaml"
    result = ok("workshop", "run", str(path), "--answers", str(answers_of(path)))
    assert "Vaihe 1/12 · Alustus: Miksi luottamus ja oikeudenmukaisuus" in result.stderr
    assert "Työpaja on käyty läpi" in result.stderr
    by_step = {
        entry["workshop_step"]: entry for entry in entries("--workshop", "luottamus-ja-oikeudenmukaisuus")
    }
    assert all(entry["lang"] == "fi" for entry in by_step.values())
    assert by_step["lahtotilanne"]["ratings"] == {"trust": 3, "justice": 2}
    next_step = by_step["seuraava-askel"]["answers"][0]
    assert next_step["role"] == "next_step"
    assert next_step["question"].startswith("Mitä seuraavaksi?")  # the shipped set's Finnish wording
    assert by_step["oma-harjoitus"]["values"] == ["justice", "freedom", "trust"]


def test_a_bilingual_script_runs_in_the_content_language() -> None:
    path = EXAMPLES / "library-huddle.yaml"
    result = ok("--lang", "fi", "workshop", "run", str(path), "--answers", str(answers_of(path)))
    assert "Kuka pääsee mukaan? Kirjaston tiimituokio" in result.stderr
    [entry, *_] = [e for e in entries("--workshop", "library-huddle") if e["workshop_step"] == "notice"]
    assert entry["lang"] == "fi"
    assert entry["label"] == "Kuka pääsee mukaan? Kirjaston tiimituokio · Mitä huomasin"
    assert entry["answers"][0]["question"] == "Yksi osallistumisen este, jonka näit tällä viikolla"
    [run_record] = runs()
    assert run_record["lang"] == "fi"
    assert run_record["title"] == "Kuka pääsee mukaan? Kirjaston tiimituokio"


def test_from_starts_at_a_step_and_records_only_the_steps_run() -> None:
    path = EXAMPLES / "school-staff-intro.yaml"
    result = ok("workshop", "run", str(path), "--answers", str(answers_of(path)), "--from", "my-practice")
    assert "Starting from step 7: my-practice" in result.stderr
    assert "Step 6 of 9" not in result.stderr
    [run_record] = runs()
    assert run_record["steps"] == ["my-practice", "commitment", "closing"]
    assert run_record["status"] == "finished"
    assert sorted(entry["workshop_step"] for entry in entries()) == ["commitment", "my-practice"]

    line = fails(1, "workshop", "run", str(path), "--answers", str(answers_of(path)), "--from", "nope")
    assert "unknown step 'nope' (the steps are: welcome, values, memory, card, case, reflect," in line


def test_no_timers_and_no_terminal_skip_the_countdown() -> None:
    path = EXAMPLES / "library-huddle.yaml"
    for extra in ([], ["--no-timers"]):
        result = ok("workshop", "run", str(path), "--answers", str(answers_of(path)), *extra)
        assert "Timer not run (4:00)" in result.stderr
        assert "Time is up" not in result.stderr


def test_runs_lists_newest_first_and_filters_by_workshop() -> None:
    for path in SCRIPTS:
        ok("workshop", "run", str(path), "--answers", str(answers_of(path)))
    listed = runs()
    assert [item["workshop_id"] for item in listed] == [
        yaml.safe_load(path.read_text(encoding="utf-8"))["id"] for path in reversed(SCRIPTS)
    ]
    assert {tuple(sorted(item)) for item in listed} == {
        ("finished_at", "id", "lang", "participant", "started_at", "status", "steps", "title", "workshop_id")
    }
    assert [item["workshop_id"] for item in runs("--workshop", "library-huddle")] == ["library-huddle"]
    table = ok("workshop", "runs").stdout
    assert "library-huddle" in table
    assert "finished" in table


def test_runs_says_so_when_there_are_none() -> None:
    result = ok("workshop", "runs")
    assert result.stdout == ""
    assert "No workshop runs yet." in result.stderr
    assert runs() == []


# --- answers files that do not fit -------------------------------------------------------------------


def _answers(tmp_path: Path, data: Any, name: str = "answers.yaml") -> Path:
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(data), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"nope": {"x": 1}},
            "unknown step 'nope' (steps that take answers: reflect, my-practice, commitment)",
        ),
        ({"welcome": "hi"}, "step 'welcome' is a say step and takes no answers"),
        ({"reflect": "text"}, "step 'reflect' asks questions: give its answers as a mapping"),
        (
            {"reflect": {"observed": "x", "nope": 1}},
            "step 'reflect' has no question 'nope' (it asks: observed,",
        ),
        (
            {"reflect": {"observed": "x", "rating-participation": 9}},
            "question 'rating-participation': 9 is outside 1-5",
        ),
        ({"reflect": {"lifelines": ["trust"]}}, "step 'reflect': question 'observed' needs an answer"),
        (
            {"reflect": {"observed": "x"}, "my-practice": "safe-space"},
            "'safe-space' is not one of the options",
        ),
        ({"reflect": {"observed": "x"}}, "step 'my-practice': question 'my-practice' needs an answer"),
    ],
)
def test_an_answers_file_is_checked_before_anything_is_saved(tmp_path: Path, data: Any, message: str) -> None:
    path = EXAMPLES / "school-staff-intro.yaml"
    answers = _answers(tmp_path, data)
    line = fails(1, "workshop", "run", str(path), "--answers", str(answers))
    assert f"encounters: error: {answers}: " in line
    assert message in line
    assert runs() == []
    assert entries() == []


def test_answers_files_may_be_json_and_broken_ones_are_located(tmp_path: Path) -> None:
    path = EXAMPLES / "library-huddle.yaml"
    data = yaml.safe_load(answers_of(path).read_text(encoding="utf-8"))
    ok("workshop", "run", str(path), "--answers", str(_answers(tmp_path, data, "answers.json")))
    broken = tmp_path / "broken.yaml"
    broken.write_text("notice:\n  barrier: [unclosed\n", encoding="utf-8")
    assert f"{broken}:3:1: not valid YAML" in fails(1, "workshop", "run", str(path), "--answers", str(broken))
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n", encoding="utf-8")
    assert "maps step ids to answers" in fails(1, "workshop", "run", str(path), "--answers", str(listed))
    missing = tmp_path / "missing.yaml"
    assert "answers file not found" in fails(2, "workshop", "run", str(path), "--answers", str(missing))


def test_without_a_terminal_and_without_answers_it_says_what_to_do() -> None:
    path = EXAMPLES / "library-huddle.yaml"
    line = fails(1, "workshop", "run", str(path))
    assert "input is not a terminal: give the answers with --answers FILE" in line
    assert f"'encounters workshop questions {path}' lists the ids" in line


# --- the runner with a recording view ------------------------------------------------------------------

TINY = """\
id: tiny
title: Tiny
domain: library
steps:
  - id: hello
    say: Hello **group**.
  - id: first
    ask:
      - id: one
        type: text
        prompt: First?
      - id: two
        type: scale
        prompt: How much?
  - id: talk
    timer: {seconds: 90, label: Talk}
  - id: pick
    choose: {what: value, options: [trust, justice]}
  - id: second
    ask:
      - id: three
        type: long_text
        prompt: Third?
      - id: four
        type: yes_no
        prompt: Fourth?
  - id: bye
    debrief: [Anything else?]
"""


@dataclass
class RecordingView:
    calls: list[tuple[str, Any]] = field(default_factory=list)

    def begin(self, workshop: Any, lang: str, run: Any, first: int) -> None:
        self.calls.append(("begin", first))

    def step(self, header: Any) -> None:
        self.calls.append(("step", (header.number, header.total, header.kind, header.title)))

    def say(self, markdown: str) -> None:
        self.calls.append(("say", markdown))

    def practice(self, practice: Any, with_questions: bool) -> None:
        self.calls.append(("practice", practice.id))

    def scenario(self, scenario: Any) -> None:
        self.calls.append(("scenario", scenario.situation))

    def debrief(self, questions: list[str]) -> None:
        self.calls.append(("debrief", questions))

    def timer(self, timer: Any, countdown: bool) -> None:
        self.calls.append(("timer", (timer.label, timer.seconds, countdown)))

    def pause(self) -> None:
        self.calls.append(("pause", None))

    def saved(self, encounter: Any) -> None:
        self.calls.append(("saved", encounter.workshop_step))

    def end(self, run: Any, interrupted: bool) -> None:
        self.calls.append(("end", interrupted))


@dataclass
class ByStep:
    """Each step answered by its own ScriptedConversation: an unexpected question fails the test."""

    script: dict[str, dict[str, Any]]

    def for_step(self, step: Any) -> ScriptedConversation:
        return ScriptedConversation(dict(self.script.get(step.id, {})))


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(textwrap.dedent(TINY), encoding="utf-8")
    return path


def runner(path: Path, store: Store, script: dict[str, dict[str, Any]], **options: Any) -> Runner:
    return Runner(load_workshop(path), store, RecordingView(), ByStep(script), lang="en", **options)


FULL = {
    "first": {"one": "A first answer.", "two": 4},
    "pick": {"pick": "justice"},
    "second": {"three": "Line one.\nLine two.", "four": "y"},
}


def test_the_runner_shows_asks_and_saves_in_order(tiny: Path, journal: Store) -> None:
    work = runner(tiny, journal, FULL, timers=False, participant="P1")
    finished = work.run()
    assert work.view.calls == [
        ("begin", 0),
        ("step", (1, 6, "say", None)),
        ("say", "Hello **group**."),
        ("pause", None),
        ("step", (2, 6, "ask", None)),
        ("saved", "first"),
        ("step", (3, 6, "timer", "Talk")),
        ("timer", ("Talk", 90, False)),
        ("step", (4, 6, "choose", None)),
        ("saved", "pick"),
        ("step", (5, 6, "ask", None)),
        ("saved", "second"),
        ("step", (6, 6, "debrief", None)),
        ("debrief", ["Anything else?"]),
        ("pause", None),
        ("end", False),
    ]
    [stored] = journal.list_workshop_runs()
    assert stored.id == finished.id
    assert stored.steps == ["hello", "first", "talk", "pick", "second", "bye"]
    assert stored.finished_at is not None
    assert stored.participant == "P1"
    saved = {entry.workshop_step: entry for entry in journal.list(Filter(workshop="tiny"))}
    assert [answer.answer for answer in saved["second"].answers] == ["Line one.\nLine two.", True]
    assert saved["pick"].values == ["justice"]
    assert saved["pick"].practices == []
    assert saved["first"].domain == "library"


def test_timers_count_down_only_when_asked(tiny: Path, journal: Store) -> None:
    work = runner(tiny, journal, FULL, timers=True)
    work.run()
    assert ("timer", ("Talk", 90, True)) in work.view.calls


@pytest.mark.parametrize("stop", [KeyboardInterrupt, EOFError])
def test_stopping_mid_step_keeps_earlier_answers_and_marks_the_run_interrupted(
    tiny: Path, journal: Store, stop: type[BaseException]
) -> None:
    script = {**FULL, "second": {"three": "Kept, although the step was not finished.", "four": stop}}
    work = runner(tiny, journal, script)
    with pytest.raises(InterruptedFlow) as caught:
        work.run()
    assert caught.value.exit_code == 130
    assert "4 completed steps" in caught.value.message
    assert work.view.calls[-1] == ("end", True)
    [stored] = journal.list_workshop_runs()
    assert stored.finished_at is None  # interrupted
    assert stored.steps == ["hello", "first", "talk", "pick"]
    saved = {entry.workshop_step: entry for entry in journal.list(Filter(workshop="tiny"))}
    assert set(saved) == {"first", "pick", "second"}
    assert [(a.question_id, a.answer) for a in saved["second"].answers] == [
        ("three", "Kept, although the step was not finished.")
    ]


def test_stopping_at_a_pause_keeps_the_completed_steps(tiny: Path, journal: Store) -> None:
    work = runner(tiny, journal, FULL)

    def stop() -> None:
        raise KeyboardInterrupt

    work.view.pause = stop  # type: ignore[method-assign]
    with pytest.raises(InterruptedFlow):
        work.run()
    [stored] = journal.list_workshop_runs()
    assert stored.steps == []
    assert journal.list(Filter(workshop="tiny")) == []


def test_from_a_step(tiny: Path, journal: Store) -> None:
    work = runner(tiny, journal, {"second": FULL["second"]})
    work.run("second")
    assert work.view.calls[:2] == [("begin", 4), ("step", (5, 6, "ask", None))]
    [stored] = journal.list_workshop_runs()
    assert stored.steps == ["second", "bye"]
    with pytest.raises(NotFoundError, match="unknown step 'nope'"):
        runner(tiny, journal, {}).run("nope")


def test_a_skipped_choice_saves_nothing(tiny: Path, journal: Store) -> None:
    work = runner(tiny, journal, {**FULL, "pick": {"pick": ""}})
    work.run()
    assert ("saved", "pick") not in work.view.calls
    assert {entry.workshop_step for entry in journal.list(Filter(workshop="tiny"))} == {"first", "second"}


# --- preparing a room ------------------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell script")
@pytest.mark.parametrize("via", ["config", "env"])
def test_prepare_room_sets_up_the_pack_and_runs_for_the_participant(via: str) -> None:
    command = Path(sys.executable).with_name("encounters")
    if not command.is_file():
        pytest.skip("the encounters command is not installed beside this Python")
    path = EXAMPLES / "school-staff-intro.yaml"
    environment = {
        **os.environ,
        "ENCOUNTERS": str(command),  # installed already: the script skips its pip install
        "PACK_VIA": via,
        "ANSWERS": str(answers_of(path)),
    }
    result = subprocess.run(
        ["sh", str(EXAMPLES / "prepare-room.sh"), "laptop 4"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    [run_record] = runs()
    assert result.stdout.strip() == run_record["id"]
    assert run_record["participant"] == "laptop 4"
    assert run_record["status"] == "finished"
    configured = ok("paths", "--json").stdout
    pack = str(EXAMPLES / "packs" / "staff-room")
    assert (pack in json.loads(configured)["extra_catalogue"]) == (via == "config")
