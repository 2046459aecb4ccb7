"""A workshop run in a real pseudo-terminal: pauses, a countdown that Enter can end, Ctrl-C.

Every step waits for what a person would see before typing; nothing sleeps, and nothing is timed
(the one-second timer is waited for by its closing words, not by the clock).
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from terminal import Person, encounters_json

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")

SCRIPT = """\
id: terminal-check
title: A short session
language: en
steps:
  - id: hello
    say: Welcome to **the session**.
  - id: first
    ask:
      - id: noticed
        type: long_text
        required: true
        prompt: What did you notice?
      - id: how-much
        type: scale
        prompt: How much did it matter?
  - id: talk
    timer:
      seconds: {seconds}
      label: Talk in pairs
      discuss: One thing you would keep.
  - id: pick
    choose:
      what: value
      prompt: Which value will you watch for?
      options: [trust, justice]
  - id: closing
    debrief: [What will you try tomorrow?]
"""


def script(tmp_path: Path, seconds: int = 1) -> Path:
    path = tmp_path / "session.yaml"
    path.write_text(textwrap.dedent(SCRIPT).replace("{seconds}", str(seconds)), encoding="utf-8")
    return path


def participant(terminal_env: dict[str, str], *args: str) -> Person:
    """Someone at a terminal running ``encounters workshop run ARGS``."""
    return Person(terminal_env, "workshop", "run", *args)


def test_a_short_run_with_a_one_second_timer(terminal_env: dict[str, str], tmp_path: Path) -> None:
    person = participant(terminal_env, str(script(tmp_path)), "--participant", "laptop 2")
    intro = person.goes_on()
    assert "Step 1 of 5 · Introduction" in intro
    assert "Welcome to the session." in intro  # Markdown rendered, not shown as asterisks
    person.answers("What did you notice?", "We listened to the end.", "")
    person.answers("How much did it matter?", "4")
    person.sees("Saved in your journal")
    person.sees("Step 3 of 5 · Discussion: Talk in pairs")
    person.sees("Enter ends the timer early.")
    person.sees("Time is up.")  # the countdown ran its one second
    person.answers("Which value will you watch for?", "2")
    person.sees("What will you try tomorrow?")
    person.goes_on()
    person.sees("Workshop done (steps: 5, journal entries: 2)")
    assert person.done() == 0

    [run] = encounters_json(terminal_env, "workshop", "runs", "--json")
    assert run["status"] == "finished"
    assert run["participant"] == "laptop 2"
    assert run["steps"] == ["hello", "first", "talk", "pick", "closing"]
    saved = {entry["workshop_step"]: entry for entry in encounters_json(terminal_env, "list", "--json")}
    assert [answer["answer"] for answer in saved["first"]["answers"]] == ["We listened to the end.", 4]
    assert saved["pick"]["values"] == ["justice"]
    assert all(entry["workshop"] == "terminal-check" for entry in saved.values())


def test_enter_ends_a_timer_early(terminal_env: dict[str, str], tmp_path: Path) -> None:
    person = participant(terminal_env, str(script(tmp_path, seconds=3600)), "--from", "talk")
    person.sees("Starting from step 3: talk")
    person.sees("Enter ends the timer early.")
    person.child.sendline("")
    person.sees("Timer ended early.")
    person.answers("Which value will you watch for?", "trust")
    person.goes_on()
    assert person.done() == 0
    [run] = encounters_json(terminal_env, "workshop", "runs", "--json")
    assert run["steps"] == ["talk", "pick", "closing"]


def test_no_timers_shows_the_timer_without_counting(terminal_env: dict[str, str], tmp_path: Path) -> None:
    person = participant(terminal_env, str(script(tmp_path, seconds=3600)), "--no-timers", "--from", "talk")
    person.sees("Talk in pairs")
    person.sees("Timer not run (60:00)")
    person.answers("Which value will you watch for?", "1")
    person.goes_on()
    assert person.done() == 0


def test_ctrl_c_keeps_the_answers_so_far_and_marks_the_run_interrupted(
    terminal_env: dict[str, str], tmp_path: Path
) -> None:
    path = script(tmp_path)
    person = participant(terminal_env, str(path))
    person.goes_on()
    person.answers("What did you notice?", "Kept after the interruption.", "")
    person.answers("How much did it matter?", "5")
    person.sees("Time is up.")
    person.sees("Which value will you watch for?")
    person.sees("> ")
    person.child.sendintr()
    stopped = person.sees("--from pick")
    assert "Your answers so far are kept (steps done: 3)" in stopped
    assert person.done() == 130

    [run] = encounters_json(terminal_env, "workshop", "runs", "--json")
    assert run["status"] == "interrupted"
    assert run["finished_at"] is None
    assert run["steps"] == ["hello", "first", "talk"]
    [entry] = encounters_json(terminal_env, "list", "--workshop", "terminal-check", "--json")
    assert entry["workshop_step"] == "first"
    assert entry["answers"][0]["answer"] == "Kept after the interruption."
